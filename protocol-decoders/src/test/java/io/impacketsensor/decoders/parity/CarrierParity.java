package io.impacketsensor.decoders.parity;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.wire.Hex;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Our side of the HTTP/TDS carrier parity check: the same lines {@code scripts/carrier-parity-expected.py}
 * writes from tshark's fields, built from the decoders' events.
 */
final class CarrierParity {
    private CarrierParity() {
    }

    static Set<String> lines(List<SensorEvent> events) {
        Set<String> out = new TreeSet<>();
        for (SensorEvent e : events) {
            if (e instanceof HttpEvent.HttpRequest q) {
                out.add(String.join("\t", "http_request", q.method(), q.uri(), v(q.host()), v(q.userAgent())));
            } else if (e instanceof HttpEvent.HttpResponse r && r.status() >= 0) {
                out.add("http_response\t" + r.status());
            } else if (e instanceof NtlmEvent n && carried(n.carrier())) {
                if (n instanceof NtlmEvent.NtlmChallenge c) {
                    out.add("ntlm_challenge\t" + Hex.encode(c.serverChallenge()));
                } else if (n instanceof NtlmEvent.NtlmAuthenticate a) {
                    out.add(String.join("\t", "ntlm_auth", v(a.domain()), v(a.user()), v(a.workstation()),
                            a.ntProofStr() != null ? Hex.encode(a.ntProofStr()) : "-"));
                }
            } else if (e instanceof KerberosEvent.KerberosApRequest ap && carried(ap.carrier()) && ap.ticket() != null) {
                out.add(String.join("\t", "krb_ap_req", v(ap.ticket().realm()),
                        ap.ticket().sname() != null ? ap.ticket().sname().toString() : "-"));
            } else if (e instanceof MssqlEvent.MssqlLogin l && !l.encryptedLogin()) {
                out.add(String.join("\t", "tds_login", v(l.hostname()), v(l.username()), v(l.appName()),
                        v(l.serverName()), v(l.library()), v(l.database())));
            } else if (e instanceof MssqlEvent.MssqlPrelogin p) {
                if (p.clientEncryption() >= 0) {
                    out.add("tds_prelogin\t" + p.clientEncryption());
                }
                if (p.serverEncryption() >= 0) {
                    out.add("tds_prelogin\t" + p.serverEncryption());
                }
            } else if (e instanceof MssqlEvent.MssqlBatch b) {
                String t = b.textPrefix();
                out.add("tds_batch\t" + escape(t.length() > 100 ? t.substring(0, 100) : t));
            }
        }
        return out;
    }

    /** As the script writes a batch text: backslash and control characters escaped. */
    static String escape(String t) {
        return t.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static boolean carried(Carrier c) {
        return c == Carrier.HTTP || c == Carrier.MSSQL;
    }

    private static String v(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
