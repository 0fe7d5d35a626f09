package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.config.CustomSignatureSpec;
import io.impacketsensor.detection.rules.EventField;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.Text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An operator signature of the configuration ({@code engine.custom_signatures}) as a rule of the
 * engine's rule set (layer {@code local}; sid {@link #FIRST_SID} plus its position in the list),
 * matched by the same conditions over the {@link EventField} registry as {@code local.rules.yaml}:
 * each configured field is one or more registry fields (see {@link #fields}), the match kind the
 * text operator of the same name. The regex is compiled here, once; matching allocates nothing
 * unless it matches.
 */
final class CustomSignature {
    static final int FIRST_SID = 9_100_001;
    final CustomSignatureSpec spec;
    final Rule rule;
    /** One single-condition rule per registry field the configured field reads. */
    private final LocalRules.LocalRule[] matchers;
    private final String fieldName;

    CustomSignature(CustomSignatureSpec spec, int index, int sid) {
        this.spec = spec;
        this.fieldName = spec.field().name().toLowerCase(Locale.ROOT);
        this.rule = new Rule(sid, 1, spec.name(), spec.name(), spec.attackType(), spec.confidence(),
                spec.severity() != null ? spec.severity() : spec.attackType().severity(), spec.attackType().mitreTechniques(),
                "local", null, "Custom signature " + spec.name(), "Operator signature: "
                + fieldName + " " + spec.match().name().toLowerCase(Locale.ROOT) + " " + spec.pattern(), "", index);
        LocalRules.Op op = switch (spec.match()) {
            case EXACT -> LocalRules.Op.EQUALS;
            case PREFIX -> LocalRules.Op.PREFIX;
            case SUFFIX -> LocalRules.Op.SUFFIX;
            case CONTAINS -> LocalRules.Op.CONTAINS;
            case REGEX -> LocalRules.Op.REGEX;
        };
        List<EventField> fields = fields(spec.field());
        matchers = new LocalRules.LocalRule[fields.size()];
        for (int i = 0; i < matchers.length; i++) {
            matchers[i] = new LocalRules.LocalRule(rule, List.of(LocalRules.textCondition(fields.get(i), op, spec.pattern())));
        }
    }

    /** The configured signatures, numbered from {@code firstIndex} in the engine's rule set. */
    static List<CustomSignature> compile(List<CustomSignatureSpec> specs, int firstIndex) {
        List<CustomSignature> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            out.add(new CustomSignature(specs.get(i), firstIndex + i, FIRST_SID + i));
        }
        return out;
    }

    /**
     * The registry fields a configured field reads (docs/tuning.md lists the same): the field the
     * registry gives the value of that name; {@code username} is the Kerberos client name or the NTLM
     * user, {@code command} a task's command or XML or a DCOM call's string argument.
     */
    static List<EventField> fields(CustomSignatureSpec.Field f) {
        return switch (f) {
            case SHARE -> List.of(EventField.SMB_SHARE);
            case PATH -> List.of(EventField.SMB_FILENAME);
            case PIPE -> List.of(EventField.SMB_PIPE);
            case SERVICE_NAME -> List.of(EventField.SVCCTL_SERVICE_NAME);
            case BINARY_PATH -> List.of(EventField.SVCCTL_BINARY_PATH);
            case COMMAND -> List.of(EventField.TASK_COMMAND, EventField.DCOM_STRING);
            case SERVICE_PRINCIPAL -> List.of(EventField.KRB5_SNAME);
            case USERNAME -> List.of(EventField.KRB5_CNAME, EventField.NTLM_USER);
            case WORKSTATION -> List.of(EventField.NTLM_WORKSTATION);
            case LDAP_FILTER -> List.of(EventField.LDAP_FILTER);
            case REGISTRY_KEY -> List.of(EventField.WINREG_KEY);
            case INTERFACE_UUID -> List.of(EventField.DCERPC_INTERFACE);
            case OPERATION -> List.of(EventField.DCERPC_OPERATION);
        };
    }

    /** Adds this signature's finding when the event holds a matching value (at most one per field read). */
    void analyse(SensorEvent ev, Evidence e) {
        for (LocalRules.LocalRule m : matchers) {
            if (m.matches(ev)) {
                e.add(rule, "Custom signature " + spec.name() + " matched " + fieldName + ": "
                        + Text.quote(m.conditions().get(0).matchedText()));
            }
        }
    }
}
