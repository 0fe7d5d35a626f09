package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

import java.io.IOException;

/**
 * Writes a {@link SensorEvent} as its EVE protocol record ({@code replay --protocol-records}), one
 * JSON object; each protocol family has its own writer ({@code SmbRecords}, {@code NtlmRecords},
 * {@code DcerpcRecords}, {@code KerberosRecords}, {@code LdapRecords}).
 */
public final class ProtocolRecordWriter {
    private ProtocolRecordWriter() {
    }

    /**
     * Writes the record of {@code e}.
     *
     * @return false when this event family has no protocol record (nothing written)
     */
    public static boolean write(JsonGenerator g, SensorEvent e) throws IOException {
        if (e instanceof SmbEvent s) {
            SmbRecords.write(g, s);
            return true;
        }
        if (e instanceof NtlmEvent n) {
            NtlmRecords.write(g, n);
            return true;
        }
        if (e instanceof DcerpcEvent d) {
            DcerpcRecords.write(g, d);
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
            // Suricata's applayer anomaly: app_proto is the protocol named before the dot (smb2.x -> smb2).
            int dot = a.name().indexOf('.');
            EveCommon.writeHeader(g, a.header(), "anomaly", dot > 0 ? a.name().substring(0, dot) : null);
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
