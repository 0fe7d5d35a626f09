package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.RpcInterfaces;

import java.util.UUID;

/**
 * Named pipes served by exactly one of the interfaces the decoder names, as Windows and Samba
 * register them: a request on such a pipe whose BIND was not captured is named by the pipe
 * ({@code interface_source} endpoint). svcctl (MS-SCMR 2.1), winreg (MS-RRP 2.1), srvsvc (MS-SRVS
 * 2.1), wkssvc (MS-WKST 2.1), netlogon (MS-NRPC 2.1), spoolss (MS-RPRN 2.1), eventlog (MS-EVEN 2.1),
 * efsrpc (MS-EFSR 2.1), epmapper (MS-RPCE 2.1.1.2). Not lsarpc, samr, lsass or atsvc: several
 * interfaces listen there (LSARPC, DSSETUP and EFSRPC on lsarpc; ATSVC and ITaskSchedulerService on
 * atsvc), and a request there is left to what was bound before or to {@link OpnumInference}.
 */
final class PipeInterfaces {
    private static final String[] PIPES = {
        "svcctl", "winreg", "srvsvc", "wkssvc", "netlogon", "spoolss", "eventlog", "efsrpc", "epmapper",
    };
    private static final int[] INTERFACES = {
        RpcInterfaces.SVCCTL, RpcInterfaces.WINREG, RpcInterfaces.SRVSVC, RpcInterfaces.WKSSVC,
        RpcInterfaces.NETLOGON, RpcInterfaces.SPOOLSS, RpcInterfaces.EVENTLOG, RpcInterfaces.EFSRPC,
        RpcInterfaces.EPMAPPER,
    };

    private PipeInterfaces() {
    }

    /** The one interface served on this pipe (the name as opened, without {@code \PIPE\}), or null. */
    static UUID of(String pipe) {
        if (pipe == null) {
            return null;
        }
        for (int i = 0; i < PIPES.length; i++) {
            if (PIPES[i].equalsIgnoreCase(pipe)) {
                return RpcInterfaces.uuid(INTERFACES[i]);
            }
        }
        return null;
    }
}
