package io.impacketsensor.core.event;

/**
 * HTTP/1.x (RFC 9112) requests and responses, header fields only: the request line, the fields a
 * detection or a relay report needs, and the authentication schemes of the {@code Authorization}
 * and {@code WWW-Authenticate} fields (and their proxy twins). NTLM and Negotiate tokens those
 * fields carry are decoded by the shared token decoder into {@link NtlmEvent}s and
 * {@link KerberosEvent.KerberosApRequest}s with carrier {@link Carrier#HTTP}.
 */
public sealed interface HttpEvent extends SensorEvent {

    /** What a request's URI (with its method and user agent) says about the service it addresses. */
    enum UriClass {
        /** Nothing recognised. */
        NONE("none"),
        /** AD CS web enrolment: {@code /certsrv/...} (certificate request form posts: {@code certfnsh.asp}). */
        ADCS("adcs"),
        /** WS-Management (WinRM): {@code /wsman}. */
        WINRM("winrm"),
        /** Exchange Web Services: {@code /EWS/}. */
        EWS("ews"),
        /** The Windows WebDAV client: {@code PROPFIND} or {@code OPTIONS} by {@code Microsoft-WebDAV-MiniRedir}. */
        WEBDAV("webdav");

        private final String label;

        UriClass(String label) {
            this.label = label;
        }

        /** The lower-case name used in output. */
        public String label() {
            return label;
        }
    }

    /**
     * The header of a request (RFC 9112 3, 5), emitted when its header section has been read,
     * before the token it may carry is decoded.
     *
     * @param header        common header
     * @param txId          the request's number on the connection, from 1
     * @param method        method token
     * @param uri           request-target as sent (bounded by the decoder's header-size limit)
     * @param host          {@code Host} field value, or ""
     * @param userAgent     {@code User-Agent} field value, or ""
     * @param protocol      HTTP-version of the request line ({@code HTTP/1.1})
     * @param authScheme    auth-scheme of {@code Authorization} or {@code Proxy-Authorization}
     *                      ({@code NTLM}, {@code Negotiate}, {@code Basic} ...; credentials are never
     *                      kept), or ""
     * @param proxyAuth     true when the scheme came from {@code Proxy-Authorization}
     * @param uriClass      the service the URI addresses
     * @param contentLength {@code Content-Length}, -1 when absent, -2 for a chunked body
     */
    record HttpRequest(EventHeader header, int txId, String method, String uri, String host, String userAgent,
                       String protocol, String authScheme, boolean proxyAuth, UriClass uriClass,
                       long contentLength) implements HttpEvent {
    }

    /**
     * The header of a response (RFC 9112 4), tied to the request it answers, emitted when its
     * header section has been read and before the token it may carry is decoded; or a request that
     * got no response (the connection ended first), with status -1.
     *
     * @param header        common header
     * @param request       the request answered, or null when it was not seen
     * @param status        status code, or -1 when no response was seen
     * @param protocol      HTTP-version of the status line, or ""
     * @param authScheme    auth-scheme of the first {@code WWW-Authenticate} or
     *                      {@code Proxy-Authenticate} field, or ""
     * @param contentLength {@code Content-Length}, -1 when absent, -2 for a chunked body
     * @param server        {@code Server} field value (RFC 9110 10.2.4), or ""
     */
    record HttpResponse(EventHeader header, HttpRequest request, int status, String protocol, String authScheme,
                        long contentLength, String server) implements HttpEvent {
    }
}
