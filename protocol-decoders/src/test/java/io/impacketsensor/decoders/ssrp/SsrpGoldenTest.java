package io.impacketsensor.decoders.ssrp;

import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SsrpEvent;
import io.impacketsensor.core.event.SsrpEvent.SsrpRequest;
import io.impacketsensor.core.event.SsrpEvent.SsrpResponse;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.RecordingContext;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.core.wire.ParseStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lab captures replayed through the SQL Server Browser analyzer. tshark 4.0 has no [MC-SQLR]
 * dissector: the expected values are read from its UDP payload bytes ({@code tshark -Y udp -T fields
 * -e ip.src -e udp.srcport -e udp.dstport -e data.data}) by the specification's layout.
 */
class SsrpGoldenTest {

    private static List<SensorEvent> replay(String name) throws Exception {
        return Replay.events(Captures.lab(name), List.<AnalyzerFactory>of(new SsrpAnalyzerFactory()));
    }

    @Test
    void mssqlinstanceAsksForEveryInstanceWithTheOneByteRequest() throws Exception {
        // 10.99.0.2:34289 -> 10.99.0.3:1434 "03"; the answer "05 ad00 ServerName;SQL01;InstanceName;MSSQLSERVER;...;;
        // ServerName;SQL01;InstanceName;REPORTING;...;;" (RESP_SIZE 0x00ad = 173)
        for (String c : List.of("atk_mssqlinstance.i014.pcap", "atk_mssqlinstance.i010.pcap")) {
            List<SensorEvent> ev = replay(c);
            List<SsrpRequest> rq = RecordingContext.of(ev, SsrpRequest.class);
            assertEquals(1, rq.size(), c);
            assertEquals(SsrpEvent.CLNT_UCAST_EX, rq.get(0).opcode());
            assertEquals(1, rq.get(0).length());
            assertEquals("", rq.get(0).instance());
            assertEquals("10.99.0.2", rq.get(0).header().clientIp().getHostAddress());
            assertEquals(1434, rq.get(0).header().serverPort());
            List<SsrpResponse> rs = RecordingContext.of(ev, SsrpResponse.class);
            assertEquals(1, rs.size(), c);
            assertEquals(2, rs.get(0).instanceCount());
            assertEquals(List.of("MSSQLSERVER", "REPORTING"), rs.get(0).instances());
            assertEquals(-1, rs.get(0).dacPort());
            assertTrue(RecordingContext.of(ev, ProtocolAnomaly.class).isEmpty());
        }
    }

    @Test
    void freeTdsListsThenAsksForTheNamedInstance() throws Exception {
        // tsql -L: "03" (the same byte); tsql -S with instance REPORTING: "04 5245504f5254494e47 00",
        // answered "05 5600 ServerName;SQL01;InstanceName;REPORTING;...;tcp;49712;;"
        List<SensorEvent> ev = replay("ben_sql_browser_tsql.pcap");
        List<SsrpRequest> rq = RecordingContext.of(ev, SsrpRequest.class);
        assertEquals(2, rq.size());
        assertEquals(SsrpEvent.CLNT_UCAST_EX, rq.get(0).opcode());
        assertEquals(1, rq.get(0).length());
        assertEquals(SsrpEvent.CLNT_UCAST_INST, rq.get(1).opcode());
        assertEquals("REPORTING", rq.get(1).instance());
        assertEquals(11, rq.get(1).length());
        List<SsrpResponse> rs = RecordingContext.of(ev, SsrpResponse.class);
        assertEquals(2, rs.size());
        assertEquals(List.of("REPORTING"), rs.get(1).instances());
        assertEquals(1, rs.get(1).instanceCount());
    }

    @Test
    void theDacAnswerHasItsOwnLayout() {
        // synthetic, [MC-SQLR] 2.2.4 and 2.2.5: CLNT_UCAST_DAC for MSSQLSERVER, answered with port 1434
        SsrpParser p = new SsrpParser(SsrpLimits.DEFAULTS);
        byte[] rq = {0x0F, 0x01, 'M', 'S', 'S', 'Q', 'L', 'S', 'E', 'R', 'V', 'E', 'R', 0};
        assertEquals(ParseStatus.OK, p.parse(rq, 0, rq.length, true, -1));
        assertEquals(11, p.nameLen);
        byte[] rs = {0x05, 0x06, 0x00, 0x01, (byte) 0x9A, 0x05};
        assertEquals(ParseStatus.OK, p.parse(rs, 0, rs.length, false, SsrpParser.CLNT_UCAST_DAC));
        assertEquals(1434, p.dacPort);
    }

    @Test
    void malformedRequestsAndAnswersAreAnomalies() {
        // synthetic
        SsrpParser p = new SsrpParser(SsrpLimits.DEFAULTS);
        byte[] unknown = {0x07};
        assertEquals(ParseStatus.ERROR, p.parse(unknown, 0, 1, true, -1));
        assertEquals(SsrpAnomaly.UNKNOWN_REQUEST, p.anomaly());
        byte[] unterminated = {0x04, 'A', 'B'};
        assertEquals(ParseStatus.ERROR, p.parse(unterminated, 0, unterminated.length, true, -1));
        assertEquals(SsrpAnomaly.BAD_INSTANCE_NAME, p.anomaly());
        byte[] tooLong = new byte[1 + 40 + 1];
        tooLong[0] = 0x04;
        java.util.Arrays.fill(tooLong, 1, 41, (byte) 'A');
        assertEquals(ParseStatus.ERROR, p.parse(tooLong, 0, tooLong.length, true, -1));
        assertEquals(SsrpAnomaly.BAD_INSTANCE_NAME, p.anomaly());
        byte[] dacVersion = {0x0F, 0x02, 'A', 0};
        assertEquals(ParseStatus.ERROR, p.parse(dacVersion, 0, dacVersion.length, true, -1));
        assertEquals(SsrpAnomaly.BAD_PROTOCOL_VERSION, p.anomaly());
        byte[] shortAnswer = {0x05, 0x10, 0x00, 'A', ';'};
        assertEquals(ParseStatus.ERROR, p.parse(shortAnswer, 0, shortAnswer.length, false, SsrpParser.CLNT_UCAST_EX));
        assertEquals(SsrpAnomaly.TRUNCATED, p.anomaly());
        byte[] notAnswer = {0x03};
        assertEquals(ParseStatus.ERROR, p.parse(notAnswer, 0, 1, false, SsrpParser.CLNT_UCAST_EX));
        assertEquals(SsrpAnomaly.NOT_A_RESPONSE, p.anomaly());
    }

    @Test
    void instanceNamesBeyondTheLimitAreCountedNotKept() {
        // synthetic: three instances, a limit of two names
        byte[] data = "ServerName;S;InstanceName;A;tcp;1;;ServerName;S;InstanceName;B;tcp;2;;ServerName;S;InstanceName;C;;"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[3 + data.length];
        m[0] = 0x05;
        m[1] = (byte) data.length;
        m[2] = (byte) (data.length >> 8);
        System.arraycopy(data, 0, m, 3, data.length);
        SsrpParser p = new SsrpParser(new SsrpLimits(2));
        assertEquals(ParseStatus.OK, p.parse(m, 0, m.length, false, SsrpParser.CLNT_UCAST_EX));
        assertEquals(3, p.instanceCount);
        assertEquals(2, p.names);
    }
}
