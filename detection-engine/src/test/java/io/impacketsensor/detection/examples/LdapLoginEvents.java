package io.impacketsensor.detection.examples;

import com.sun.net.httpserver.HttpExchange;
import io.impacketsensor.detection.NetworkEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Embedding example (docs/user/embedding.md): the flat event of a login form whose application looks the
 * user up in a directory with {@code (&(objectClass=person)(uid=<user>))}. The event carries the
 * filter the application is about to send, so LDAP injection through the form is judged before the
 * directory sees it. Other requests carry nothing for the engine (null).
 */
public final class LdapLoginEvents implements ProtectionFilter.EventMapper {
    private final String directory;

    /** @param directory the directory server's address (the event's destination) */
    public LdapLoginEvents(String directory) {
        this.directory = directory;
    }

    @Override
    public NetworkEvent toEvent(HttpExchange x, String sourceIp) {
        String user = user(x.getRequestURI().getRawQuery());
        if (user == null) {
            return null;
        }
        return NetworkEvent.builder(sourceIp, NetworkEvent.Protocol.LDAP).destIp(directory)
                .ldapFilter("(&(objectClass=person)(uid=" + user + "))").build();
    }

    /** The {@code user} query parameter, decoded, or null. */
    static String user(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String kv : rawQuery.split("&")) {
            if (kv.startsWith("user=")) {
                return URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
