package io.impacketsensor.detection.eve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.SensorEvent;

import java.io.IOException;

/**
 * Writes the EVE protocol record ({@code --protocol-records}) of a sensor event, one JSON object;
 * each protocol family has its own writer ({@code KerberosRecords}, {@code LdapRecords}, ...).
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
        if (e instanceof KerberosEvent k) {
            KerberosRecords.write(g, k);
            return true;
        }
        if (e instanceof DcerpcEvent d) {
            DcerpcRecords.write(g, d);
            return true;
        }
        if (e instanceof LdapEvent l) {
            LdapRecords.write(g, l);
            return true;
        }
        return false;
    }
}
