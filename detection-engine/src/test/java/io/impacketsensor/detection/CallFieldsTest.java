package io.impacketsensor.detection;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.LocalRules;
import io.impacketsensor.detection.rules.RuleCatalog;
import io.impacketsensor.detection.rules.RuleException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fields of DCE/RPC binds, decoded call arguments (SVCCTL control codes and phantom-DLL services,
 * SAMR RIDs and accounts, LSA SID counts, task XML and paths, DCOM classes) and LDAP account objects,
 * and the catalog rules written over them: which rule an event raises, the alternatives they keep
 * apart, and the indicator each quotes, word for word the text the Java checks wrote. Synthetic typed
 * events standing for what the decoders produce.
 */
class CallFieldsTest {
    private static final String ATK = "10.8.0.66";
    private static final String SRV = "10.8.0.10";
    private static final UUID NDR = UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860");
    private static final UUID NDR64 = UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36");
    private static final UUID MMC20 = UUID.fromString("49b2791a-b1ae-4c90-9b8e-e860ba07f889");
    private static final UUID WBEM_LOGIN = UUID.fromString("8bc3f05e-d86b-11d0-a075-00c04fb68820");
    private final Harness h = new Harness();

    private DcerpcEvent.DcerpcRequest rpc(int iface, int opnum, RpcArgs args) {
        return h.rpc(ATK, SRV, 0, null, RpcInterfaces.uuid(iface), opnum, args);
    }

    @Test
    void notOperatorsHoldWhenNoValueMatches() {
        String yaml = """
                rules:
                  - sid: 9200001
                    rev: 1
                    name: wmi_without_create
                    attack_type: wmiexec
                    confidence: 0.5
                    msg: "WMI call naming Win32_Process without Create"
                    match:
                      - field: dcom.string
                        op: contains
                        value: Win32_Process
                      - field: dcom.string
                        op: not_equals
                        value: Create
                """;
        List<LocalRules.LocalRule> rules = LocalRules.parse(yaml, "local.rules.yaml", RuleCatalog.builtin().rules(), 1000);
        LocalRules.LocalRule r = rules.get(0);
        assertEquals("dcom.string not_equals Create", r.conditions().get(1).toString());
        assertTrue(r.matches(rpc(RpcInterfaces.WBEM_SERVICES, 6, new RpcArgs.DcomStrings(List.of("Win32_Process", "Get")))));
        assertTrue(!r.matches(rpc(RpcInterfaces.WBEM_SERVICES, 24, new RpcArgs.DcomStrings(List.of("Win32_Process", "create")))));
        RuleException e = assertThrows(RuleException.class, () -> LocalRules.parse(yaml.replace("not_equals", "not_eq"),
                "local.rules.yaml", RuleCatalog.builtin().rules(), 1000));
        assertTrue(e.getMessage().contains("local.rules.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("not_ goes with") || e.getMessage().contains("unknown operator"), e.getMessage());
    }
}
