package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.SensorEvent;

/**
 * Learns a domain controller being promoted (a new DC joining the domain), which replicates for the
 * first time before any sensor saw it answer Kerberos, LDAP or DRSUAPI as a server.
 *
 * <p>The evidence counted: a known DC answering (a RESPONSE, not a FAULT) an IDL_DRSAddEntry call
 * (DRSUAPI opnum 17, MS-DRSR 4.1.1) made by the host, the request and its answer both seen (the
 * response's operation comes from the request it answers). DC promotion creates the new DC's nTDSDSA
 * object in the configuration NC with IDL_DRSAddEntry on an existing DC (creating nTDSDSA objects is
 * what the method is for, MS-DRSR 4.1.1) and only then pulls the naming contexts with
 * IDL_DRSGetNCChanges. DCSync tools (Impacket secretsdump, mimikatz lsadump::dcsync) bind DRSUAPI, call
 * DsGetDomainControllerInfo/DsCrackNames and IDL_DRSGetNCChanges, never IDL_DRSAddEntry.
 *
 * <p>The limit of that evidence: when the DRSUAPI session is sealed (packet privacy, the default of
 * Windows and Samba) the reply's status is not readable, so a rejected IDL_DRSAddEntry answers the
 * same as an accepted one, and any account that can authenticate to DRSUAPI could call it before its
 * DCSync to pass as a new DC. Three bounds keep that evasion small:
 * <ul>
 * <li><b>Provisional.</b> A host learned this way only is a DC for {@link #DEFAULT_PROVISIONAL_NANOS} (a setting) after its
 * IDL_DRSAddEntry (a first replication is over long before), unless it shows what a DC does itself in
 * that time: it answers Kerberos, LDAP, a DRSUAPI bind, an LDAP rootDSE or CLDAP ping as a DC, or a
 * DNS answer names it as a DC ({@link DomainControllers#isDc} then holds for good).</li>
 * <li><b>Instance cap.</b> At most {@link #DEFAULT_MAX_PROMOTIONS} (a setting) hosts are learned from promotion evidence
 * alone in any {@link #CAP_WINDOW_NANOS}; DC promotions are rare, planned events. Past the cap the
 * host is not learned (its replication stays DCSync) and the exchange raises
 * {@code dc_promotion_refused}.</li>
 * <li><b>Secrets pulled the DCSync way.</b> A host that is a DC only provisionally and asks DRSUAPI
 * for names (IDL_DRSCrackNames, opnum 12, MS-DRSR 4.1.4) or for the DCs (IDL_DRSDomainControllerInfo,
 * opnum 16, 4.1.5) and then calls IDL_DRSGetNCChanges raises {@code dcsync_after_promotion}: that is
 * how DCSync tools find the one account they replicate (its DN or GUID) before asking for it, while a
 * first replication pulls whole naming contexts from their heads (4.1.10) — Samba's join calls
 * neither.</li>
 * </ul>
 * With learning off only configured domain controllers count.
 *
 * <p>Allocates only when a promotion is seen (a rare event), nothing per event otherwise.
 */
final class DcPromotionLearning {
    /** IDL_DRSAddEntry (MS-DRSR 4.1.1). */
    static final int DRS_ADD_ENTRY = 17;
    /** IDL_DRSCrackNames (MS-DRSR 4.1.4). */
    static final int DRS_CRACK_NAMES = 12;
    /** IDL_DRSDomainControllerInfo (MS-DRSR 4.1.5). */
    static final int DRS_DC_INFO = 16;
    /**
     * Hosts learned from promotion evidence alone within {@link #CAP_WINDOW_NANOS}, unless
     * {@code engine.dc_promotion.max_per_day} says otherwise.
     */
    static final int DEFAULT_MAX_PROMOTIONS = 2;
    static final long CAP_WINDOW_NANOS = 24L * 3600 * 1_000_000_000L;
    /**
     * How long promotion evidence alone makes a host a DC: the first replication of a domain of
     * millions of objects runs for hours; a new DC serves clients (Kerberos, LDAP, CLDAP pings, its DNS
     * SRV records) once it is done. {@code engine.dc_promotion.provisional_hours} sets another.
     */
    static final long DEFAULT_PROVISIONAL_NANOS = 8L * 3600 * 1_000_000_000L;

    private final DomainControllers dcs;

    DcPromotionLearning(DomainControllers dcs) {
        this.dcs = dcs;
    }

    void observe(SensorEvent ev) {
        if (ev instanceof DcerpcEvent.DcerpcResponse r && r.opnum() == DRS_ADD_ENTRY
                && RpcCatalog.DRSUAPI.equals(r.interfaceUuid())
                && dcs.isDc(ev.header().serverIp()) && !dcs.isDc(ev.header().clientIp())) {
            dcs.observedPromotion(ev, ev.header().clientIp(), ev.header().timestampNanos());
        } else if (ev instanceof DcerpcEvent.DcerpcRequest q && (q.opnum() == DRS_CRACK_NAMES || q.opnum() == DRS_DC_INFO)
                && RpcCatalog.DRSUAPI.equals(q.interfaceUuid())) {
            dcs.observedPromotedLookup(ev.header().clientIp());
        }
    }
}
