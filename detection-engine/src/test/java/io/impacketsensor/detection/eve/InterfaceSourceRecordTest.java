package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.UUID;

import static io.impacketsensor.detection.eve.ProtocolRecordWriterTest.H;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request record states how its interface was found once, whatever the source (values as in lab atk_samrdump.pcap). */
class InterfaceSourceRecordTest {
    private static final UUID SAMR = RpcInterfaces.uuid(RpcInterfaces.SAMR);

    private static String record(DcerpcEvent.InterfaceSource source) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            // A DCOM call is addressed by its IPID (the object UUID).
            UUID object = source == DcerpcEvent.InterfaceSource.DCOM_IPID ? UUID.fromString("0000a801-0000-0000-0000-000000000001")
                    : null;
            assertTrue(ProtocolRecordWriter.write(g, new DcerpcRequest(H, null, 12, 0, SAMR, 34, object, false, 28, 1, 0, 0,
                    new RpcArgs.ReturnStatus(0), source, null)));
        }
        return w.toString();
    }

    @Test
    void theInterfaceSourceIsOneKey() throws Exception {
        for (DcerpcEvent.InterfaceSource s : DcerpcEvent.InterfaceSource.values()) {
            String r = record(s);
            assertEquals(1, r.split("\"interface_source\"", -1).length - 1, r);
            assertTrue(r.contains("\"interface_source\":\"" + s.wireName() + "\""), r);
        }
    }
}
