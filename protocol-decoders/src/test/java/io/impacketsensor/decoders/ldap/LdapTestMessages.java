package io.impacketsensor.decoders.ldap;

import io.impacketsensor.decoders.testsupport.Ber;

import static io.impacketsensor.decoders.testsupport.Ber.enumerated;
import static io.impacketsensor.decoders.testsupport.Ber.integer;
import static io.impacketsensor.decoders.testsupport.Ber.octets;
import static io.impacketsensor.decoders.testsupport.Ber.seq;
import static io.impacketsensor.decoders.testsupport.Ber.tlv;

/** Synthetic LDAP messages (RFC 4511 ASN.1, DER-encoded by {@link Ber}). */
final class LdapTestMessages {
    private LdapTestMessages() {
    }

    static byte[] message(int id, byte[] op, byte[]... controls) {
        if (controls.length == 0) {
            return seq(integer(id), op);
        }
        return seq(integer(id), op, tlv(0xa0, controls));
    }

    static byte[] result(int appTag, int code, String diag) {
        return tlv(0x60 | appTag, enumerated(code), octets(""), octets(diag));
    }

    static byte[] search(String base, byte[] filter, String... attrs) {
        byte[][] a = new byte[attrs.length][];
        for (int i = 0; i < attrs.length; i++) {
            a[i] = octets(attrs[i]);
        }
        return tlv(0x63, octets(base), enumerated(2), enumerated(0), integer(0), integer(0), Ber.bool(false),
                filter, seq(a));
    }

    /** equalityMatch [3] AttributeValueAssertion */
    static byte[] eq(String attr, String value) {
        return tlv(0xa3, octets(attr), octets(value));
    }

    static byte[] eqBytes(String attr, byte[] value) {
        return tlv(0xa3, octets(attr), tlv(0x04, value));
    }

    static byte[] and(byte[]... f) {
        return tlv(0xa0, f);
    }

    static byte[] or(byte[]... f) {
        return tlv(0xa1, f);
    }

    static byte[] not(byte[] f) {
        return tlv(0xa2, f);
    }

    static byte[] present(String attr) {
        return tlv(0x87, attr.getBytes());
    }

    static byte[] entry(String dn) {
        return tlv(0x64, octets(dn), seq(seq(octets("cn"), tlv(0x31, octets("x".repeat(300))))));
    }
}
