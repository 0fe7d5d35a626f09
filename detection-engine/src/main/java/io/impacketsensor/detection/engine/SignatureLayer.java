package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcomClasses;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.RuleCatalog;

import java.util.List;
import java.util.Locale;

/**
 * Layer 1: names and strings Impacket uses (INDICATORS.md §2) — named pipes, service names and binary
 * paths, output and uploaded files (catalog data rules); WMI/DCOM method names, registry keys, tasks.
 * Each match is a finding with the signature's name. (The operator's custom signatures match over
 * the field registry: {@link CustomSignature}.)
 */
final class SignatureLayer {
    /** The catalog's signature rules written as data (named pipes ...), by event kind: run before the Java signatures. */
    private final DataRuleIndex dataRules = RuleCatalog.builtin().dataRuleIndex("signature");

    void analyse(SensorEvent ev, Classification c, Evidence e) {
        int first = e.size;
        e.addMatching(dataRules, ev, c);
        if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            rpc(r, e);
        }
        e.sortByRule(first);
    }

    private void rpc(DcerpcEvent.DcerpcRequest r, Evidence e) {
        // The SVCCTL rules (service names, binary path shapes, OpenSCManager's machine name), registry keys
        // and saves and AT jobs are catalog data. A task is judged on its XML and, failing that, its name.
        RpcArgs a = r.args();
        if (a instanceof RpcArgs.DcomStrings d) {
            dcom(d, e);
        } else if (a instanceof RpcArgs.DcomActivation act) {
            activation(r, act, e);
        } else if (a instanceof RpcArgs.TaskRegister t) {
            if (t.xml() != null && Text.contains(t.xml(), "cmd.exe") && Text.contains(t.xml(), "\\Temp\\")) {
                e.add(Rules.ATEXEC_TASK_CMD_TEMP, "Task runs cmd.exe with output to Temp: " + Text.quote(t.path()));
            } else if (t.opnum() == 1 && t.path() != null && t.path().length() == 9 && t.path().charAt(0) == '\\'
                    && Text.letters(t.path(), 1, 9)) {
                e.add(Rules.ATEXEC_TASK_NAME, "Task with a random 8-letter name registered: " + Text.quote(t.path()));
            }
        }
    }

    /**
     * A remote host activating a known remote-execution object (MMC20.Application, ShellWindows,
     * ShellBrowserWindow, Excel.Application, InternetExplorer.Application): the class travels in the
     * cleartext activation request even when the later IDispatch calls are sealed.
     */
    private static void activation(DcerpcEvent.DcerpcRequest r, RpcArgs.DcomActivation act, Evidence e) {
        DcomClasses.Known k = DcomClasses.lookup(act.clsid());
        if (k == null || !k.lateralMovement() || r.header().clientIp() == null
                || r.header().clientIp().equals(r.header().serverIp())) {
            return;
        }
        String op = RpcInterfaces.operation(r.interfaceUuid(), r.opnum());
        e.add(Rules.DCOM_LATERAL_OBJECT, "DCOM activation of a remote-execution object: " + k.name() + " {"
                + act.clsid().toString().toUpperCase(Locale.ROOT) + "}" + (op != null ? " (" + op + ")" : ""));
    }

    private void dcom(RpcArgs.DcomStrings d, Evidence e) {
        List<String> l = d.strings();
        // Win32_Process.Create, WMI event subscriptions and ExecuteShellCommand are catalog data over
        // dcom.string. ShellExecute counts only when no string names ExecuteShellCommand (a condition
        // over all the strings at once), and the output redirect quotes the string that matched.
        if (!Signals.anyString(d, "ExecuteShellCommand") && Signals.anyString(d, "ShellExecute")) {
            e.add(Rules.DCOMEXEC_SHELL_EXECUTE, "ShellWindows/ShellBrowserWindow ShellExecute called");
        }
        if (Signals.anyString(d, "\\ADMIN$\\__")) {
            for (int i = 0; i < l.size(); i++) {
                if (Text.contains(l.get(i), "\\ADMIN$\\__")) {
                    e.add(Rules.WMIEXEC_OUTPUT_REDIRECT, "Command output redirected to ADMIN$: " + Text.quote(l.get(i)));
                    break;
                }
            }
        }
    }
}
