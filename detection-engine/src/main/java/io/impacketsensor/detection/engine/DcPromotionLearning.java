package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.SensorEvent;

/**
 * Learns a domain controller being promoted (a new DC joining the domain), which replicates for the
 * first time before any sensor saw it answer Kerberos, LDAP or DRSUAPI as a server.
 *
 * <p>The evidence counted: a known DC answering (a RESPONSE, not a FAULT) an IDL_DRSAddEntry call
 * (DRSUAPI opnum 17, MS-DRSR 4.1.1) made by the host. DC promotion creates the new DC's nTDSDSA object
 * in the configuration NC with IDL_DRSAddEntry on an existing DC (creating nTDSDSA objects is what the
 * method is for, MS-DRSR 4.1.1) and only then pulls the naming contexts with IDL_DRSGetNCChanges.
 * DCSync tools (Impacket secretsdump, mimikatz lsadump::dcsync) bind DRSUAPI, call
 * DsGetDomainControllerInfo/DsCrackNames and IDL_DRSGetNCChanges, never IDL_DRSAddEntry.
 *
 * <p>Why this and not something cheaper: the host itself answering LDAP or Kerberos proves nothing
 * about a host nobody asks, and calls in one direction only are the client's own claim. The IDL_DRSAddEntry
 * evidence is the known DC's answer on an authenticated DRSUAPI session, not the host's word alone. Its limit is stated in docs/user/detections.md: when
 * the DRSUAPI session is sealed (packet privacy, the default of Windows and Samba) the reply's status is
 * not readable, so a rejected IDL_DRSAddEntry answers the same as an accepted one; an account that can
 * authenticate to DRSUAPI and knows this rule could call it before its DCSync. The call itself is still
 * scored by drsuapi_call_non_dc (below monitor level by default); with learning off only configured
 * domain controllers count.
 *
 * <p>Allocates nothing per event.
 */
final class DcPromotionLearning {
    /** IDL_DRSAddEntry (MS-DRSR 4.1.1). */
    static final int DRS_ADD_ENTRY = 17;

    private final DomainControllers dcs;

    DcPromotionLearning(DomainControllers dcs) {
        this.dcs = dcs;
    }

    void observe(SensorEvent ev) {
        if (ev instanceof DcerpcEvent.DcerpcResponse r && r.opnum() == DRS_ADD_ENTRY
                && RpcCatalog.DRSUAPI.equals(r.interfaceUuid()) && dcs.isDc(ev.header().serverIp())) {
            dcs.observedPromotion(ev.header().clientIp());
        }
    }
}
