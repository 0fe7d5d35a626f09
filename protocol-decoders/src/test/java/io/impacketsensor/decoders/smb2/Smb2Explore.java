package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.decoders.testutil.PcapStreams;
import io.impacketsensor.decoders.testutil.RecordingPipes;

import java.nio.file.Path;

public class Smb2Explore {
    public static void main(String[] args) throws Exception {
        RecordingPipes pipes = new RecordingPipes();
        Smb2AnalyzerFactory f = new Smb2AnalyzerFactory(Smb2Limits.DEFAULTS, new GssTokenDecoder(KerberosTokenHook.NONE), pipes);
        for (PcapStreams.Conn c : PcapStreams.run(Path.of(args[0]), new int[]{445, 139}, f::create)) {
            System.out.println("== flow " + c.ctx.flowId());
            c.ctx.events.forEach(e -> System.out.println(e.toString().replaceAll("header=EventHeader\\[[^\\]]*\\], ", "")));
        }
        for (RecordingPipes.Pipe p : pipes.pipes) {
            System.out.println("pipe " + p.name + " w=" + p.toServer.size() + " r=" + p.toClient.size() + " gap=" + p.gapBytes + " closed=" + p.closed);
        }
        f.reportCounters((n, v) -> System.out.println(n + "=" + v));
    }
}
