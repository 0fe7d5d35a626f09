package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

import java.io.IOException;

/**
 * Writes a {@link SensorEvent} as its EVE protocol record ({@code replay --protocol-records}).
 * One branch per event family; a family without a writer yet writes nothing.
 */
public final class ProtocolRecordWriter {
    private ProtocolRecordWriter() {
    }

    /** @return true when a record was written */
    public static boolean write(JsonGenerator g, SensorEvent e) throws IOException {
        if (e instanceof SmbEvent s) {
            SmbRecords.write(g, s);
            return true;
        }
        if (e instanceof NtlmEvent n) {
            NtlmRecords.write(g, n);
            return true;
        }
        if (e instanceof KerberosEvent k) {
            KerberosRecords.write(g, k);
            return true;
        }
        if (e instanceof LdapEvent l) {
            LdapRecords.write(g, l);
            return true;
        }
        if (e instanceof ProtocolAnomaly a) {
            g.writeStartObject();
            EveCommon.writeHeader(g, a.header(), "anomaly", null);
            g.writeObjectFieldStart("anomaly");
            g.writeStringField("type", "applayer");
            g.writeStringField("event", a.name());
            g.writeStringField("layer", "proto_parser");
            g.writeStringField("detail", a.detail());
            g.writeEndObject();
            g.writeEndObject();
            return true;
        }
        return false;
    }
}
