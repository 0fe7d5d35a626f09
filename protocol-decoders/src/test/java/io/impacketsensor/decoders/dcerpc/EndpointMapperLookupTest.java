package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.testkit.Captures;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.Decoders;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ept_lookup requests (C706 appendix O, epmapper opnum 2) decoded from real captures and checked
 * field by field against tshark ({@code tshark -Y "epm.opnum==2 && dcerpc.pkt_type==0" -T fields
 * -e epm.inq_type -e epm.object -e epm.if_id -e epm.ver_opt -e epm.max_ents -e epm.hnd}).
 */
class EndpointMapperLookupTest {

    private static List<String> lookups(Path pcap) throws Exception {
        return Replay.events(pcap, Decoders.forWorker()).stream()
                .filter(DcerpcEvent.DcerpcRequest.class::isInstance).map(DcerpcEvent.DcerpcRequest.class::cast)
                .filter(r -> RpcInterfaces.uuid(RpcInterfaces.EPMAPPER).equals(r.interfaceUuid()) && r.opnum() == 2)
                .map(r -> {
                    RpcArgs.EpmLookupRequest l = (RpcArgs.EpmLookupRequest) r.args();
                    return r.header().serverPort() + " inquiry=" + l.inquiryType() + " object=" + l.objectUuid()
                            + " interface=" + l.interfaceUuid() + " vers_option=" + l.versionOption() + " max="
                            + l.maxEntries() + " resumed=" + l.resumed();
                }).toList();
    }

    /**
     * Impacket rpcdump.py (current version) in the lab: on 135 without credentials, then over
     * \pipe\epmapper on 445; each time every entry (inquiry type 0), 500 per call, the second call
     * with the entry handle the first answer returned (tshark frames 8, 17, 45, 58).
     */
    @Test
    void rpcdumpAsksForEveryEntryAndResumesWithTheHandle() throws Exception {
        String first = " inquiry=0 object=null interface=null vers_option=1 max=500 resumed=false";
        String next = " inquiry=0 object=null interface=null vers_option=1 max=500 resumed=true";
        assertEquals(List.of("135" + first, "135" + next, "445" + first, "445" + next),
                lookups(Captures.lab("atk_rpcdump.i014.pcap")));
        assertEquals(List.of("135" + first, "135" + next, "445" + first, "445" + next),
                lookups(Captures.lab("atk_rpcdump.i010.pcap")));
    }

    /**
     * Outlook in Zeek's mapi.pcap (tshark frame 501): one lookup by interface (inquiry type 1) for
     * the Exchange NSPI interface f5cc5a18-4264-101a-8c59-08002b2f8426 with an object, one entry.
     */
    @Test
    void outlookAsksForOneInterface() throws Exception {
        assertEquals(List.of("135 inquiry=1 object=" + UUID.fromString("00390034-0039-0037-5d00-000000000000")
                        + " interface=f5cc5a18-4264-101a-8c59-08002b2f8426 vers_option=1 max=1 resumed=false"),
                lookups(Captures.pub("zeek_zeek/testing/btest/Traces/dce-rpc/mapi.pcap")));
    }
}
