package io.impacketsensor.detection.engine;

import io.impacketsensor.detection.rules.Text;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcomClasses;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.rules.DataRuleIndex;
import io.impacketsensor.detection.rules.RuleCatalog;

import java.util.List;
import java.util.Locale;

/**
 * Layer 1: names and strings Impacket uses (INDICATORS.md §2) — service names and binary paths,
 * named pipes (catalog data rules), WMI/DCOM method names, registry keys, output files, krbtgt.
 * Each match is a finding with the signature's name. (The operator's custom signatures match over
 * the field registry: {@link CustomSignature}.)
 */
final class SignatureLayer {
    /** The catalog's signature rules written as data (named pipes ...), by event kind: run before the Java signatures. */
    private final DataRuleIndex dataRules = RuleCatalog.builtin().dataRuleIndex("signature");

    void analyse(SensorEvent ev, Classification c, Evidence e) {
        e.addMatching(dataRules, ev, c);
        if (ev instanceof SmbEvent s) {
            smb(s, e);
        } else if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            rpc(r, e);
        }
    }

    private void smb(SmbEvent ev, Evidence e) {
        String share;
        String name;
        boolean pipe;
        boolean write;
        if (ev instanceof SmbEvent.SmbCreate c) {
            share = c.share();
            name = c.fileName();
            pipe = c.namedPipe() || Signals.isPipePath(name);
            write = Signals.writes(c.desiredAccess(), c.disposition());
        } else if (ev instanceof SmbEvent.SmbRead r) {
            share = r.share();
            name = r.fileName();
            pipe = r.namedPipe();
            write = false;
        } else if (ev instanceof SmbEvent.SmbWrite w) {
            share = w.share();
            name = w.fileName();
            pipe = w.namedPipe();
            write = true;
        } else {
            return;
        }
        if (name == null || name.isEmpty()) {
            return;
        }
        if (pipe) {
            return; // The pipe-name rules are catalog data (analyse() ran them first).
        }
        // NTDS.DIT and Group Policy Preferences file names are catalog data rules (event smb_file).
        boolean admin = Signals.adminShare(share);
        if (Text.outputFile(name) && (admin || share == null || share.isEmpty())) {
            if (Text.baseStartsWith(name, "__output")) {
                e.add(Rules.SMBEXEC_OUTPUT_FILE, "Impacket output file: " + Text.quote(name));
            } else {
                int b = Text.baseStart(name);
                boolean dcom = name.indexOf('.', b) < 0;
                e.add(dcom ? Rules.DCOMEXEC_OUTPUT_FILE : Rules.WMIEXEC_OUTPUT_FILE,
                        "Impacket output file on ADMIN$: " + Text.quote(name));
            }
        }
        if (Signals.tempTmp(name) && admin) {
            boolean sys32 = Text.contains(name, "system32\\");
            e.add(sys32 ? Rules.SECRETSDUMP_TMP_FILE_SYSTEM32 : Rules.SECRETSDUMP_TMP_FILE,
                    "Saved hive/output file fetched: " + Text.quote(name));
            if (!sys32) {
                e.add(Rules.ATEXEC_TMP_FILE, "Task output file fetched: " + Text.quote(name));
            }
        }
        if (write && admin && Text.endsWith(name, ".exe")) {
            e.add(Text.randomFile(name, ".exe") ? Rules.ADMIN_SHARE_EXE_RANDOM : Rules.ADMIN_SHARE_EXE,
                    "Executable written to admin share: " + Text.quote(name));
        }
    }

    private void rpc(DcerpcEvent.DcerpcRequest r, Evidence e) {
        RpcArgs a = r.args();
        if (a instanceof RpcArgs.ScmCreateService cs) {
            createService(cs, e);
        } else if (a instanceof RpcArgs.ScmChangeServiceConfig cc && cc.binaryPath() != null) {
            if (Signals.smbexecBinaryPath(cc.binaryPath())) {
                e.add(Rules.SMBEXEC_BINARY_PATH_CHANGED,
                        "Service binary path changed to a shell command: " + Text.quote(cc.binaryPath()));
            }
        } else if (a instanceof RpcArgs.ScmOpenManager om && Text.eq(om.machineName(), "DUMMY")) {
            e.add(Rules.IMPACKET_SCMR_DUMMY, "OpenSCManagerW machine name DUMMY (Impacket scmr)");
        } else if (a instanceof RpcArgs.ScmOpenService os) {
            // RemoteRegistry opened over SVCCTL: a catalog data rule.
        } else if (a instanceof RpcArgs.RegOpenKey k) {
            if (Signals.lsaKey(k.keyPath())) {
                e.add(Rules.SECRETSDUMP_BOOTKEY, "LSA boot key read: " + Text.quote(k.keyPath()));
            } else if (Signals.hiveKey(k.keyPath())) {
                e.add(Rules.SECRETSDUMP_HIVE, "Credential hive opened: " + Text.quote(k.keyPath()));
            }
        } else if (a instanceof RpcArgs.RegSaveKey s) {
            e.add(Rules.SECRETSDUMP_SAVEKEY, "Registry hive saved to a file: "
                    + (s.keyPath() == null ? "" : Text.quote(s.keyPath()) + " -> ") + Text.quote(s.fileName()));
        } else if (a instanceof RpcArgs.DcomStrings d) {
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
        } else if (a instanceof RpcArgs.AtJobAdd j) {
            e.add(Rules.ATSVC_JOB, "AT job added: " + Text.quote(j.command()));
        }
    }

    private void createService(RpcArgs.ScmCreateService cs, Evidence e) {
        String name = cs.serviceName();
        String bp = cs.binaryPath();
        // The fixed service names (PSEXESVC, RemComSvc, BTOBTO) are catalog data rules; the binary-path
        // checks below are ordered (a shell command is not also judged as a random .exe).
        if (Signals.smbexecBinaryPath(bp)) {
            e.add(Rules.SMBEXEC_SERVICE_SHELL_COMMAND,
                    "Service runs a shell command with redirected output: " + Text.quote(bp));
        } else if (Text.contains(bp, "vssadmin")) {
            e.add(Rules.SECRETSDUMP_VSS, "Service runs vssadmin (shadow copy of NTDS.DIT): " + Text.quote(bp));
        } else if (Text.randomLetters(name, 4) && Text.randomFile(bp, ".exe")) {
            e.add(Rules.PSEXEC_RANDOM_SERVICE, "Service with a random 4-letter name running a random 8-letter .exe: "
                    + Text.quote(name) + " -> " + Text.quote(bp));
        } else if (Text.randomLetters(name, 8) && (Text.contains(bp, "%COMSPEC%") || Text.contains(bp, "powershell"))) {
            e.add(Rules.SMBEXEC_RANDOM_SERVICE_SHELL,
                    "Service with a random 8-letter name running a shell: " + Text.quote(name));
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
        if (Signals.wmiProcessCreate(d)) {
            e.add(Rules.WMIEXEC_PROCESS_CREATE, "WMI Win32_Process.Create called");
        }
        if (Signals.anyString(d, "__EventFilter") || Signals.anyString(d, "CommandLineEventConsumer")) {
            e.add(Rules.WMI_PERSISTENCE, "WMI event subscription (__EventFilter/consumer) created");
        }
        if (Signals.anyString(d, "ExecuteShellCommand")) {
            e.add(Rules.DCOMEXEC_EXECUTE_SHELL_COMMAND, "MMC20.Application ExecuteShellCommand called");
        } else if (Signals.anyString(d, "ShellExecute")) {
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
