package io.impacketsensor.decoders.ldap;

import io.impacketsensor.core.event.LdapEvent.ReplyShape;
import io.impacketsensor.core.event.LdapEvent.SearchEntry;
import io.impacketsensor.core.flow.FlowContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The answers of one LDAP flow whose requests the copy does not hold (a copy of the server's side
 * only, or a flow picked up after its requests). A response repeats its request's message id (RFC
 * 4511 4.1.1.1), so a search's entries are gathered by id until its SearchResultDone; each answer
 * becomes one {@code LdapReply} ({@link LdapEvents#reply}). A search's entries are read for their
 * attribute names and the few values detection needs ({@link EntryShape}), the first
 * {@link #MAX_INSPECTED} of each search, in a fixed table of {@link #SLOTS} searches made on the
 * first such answer.
 */
final class LdapReplies {
    /** Searches answered at once without their requests; a further one ends the oldest (result -1). */
    static final int SLOTS = 4;
    /** Entries of one search whose attributes are read; later ones are only counted. */
    static final int MAX_INSPECTED = 256;

    private static final long DONT_REQ_PREAUTH = 0x400000L;
    private static final long TRUSTED_FOR_DELEGATION = 0x80000L;
    private static final long TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000L;

    // The attribute sets Impacket's LDAP examples ask for (impacket/examples/*.py, 0.10 and current).
    private static final int USER_LISTING_SET = EntryShape.SAM_ACCOUNT_NAME | EntryShape.PWD_LAST_SET | EntryShape.MAIL
            | EntryShape.LAST_LOGON;
    private static final int SPN_SET = EntryShape.SPN | EntryShape.SAM_ACCOUNT_NAME | EntryShape.PWD_LAST_SET
            | EntryShape.MEMBER_OF | EntryShape.USER_ACCOUNT_CONTROL | EntryShape.LAST_LOGON;
    private static final int NO_PREAUTH_SET = EntryShape.SAM_ACCOUNT_NAME | EntryShape.USER_ACCOUNT_CONTROL
            | EntryShape.MEMBER_OF | EntryShape.PWD_LAST_SET | EntryShape.LAST_LOGON;
    private static final int DELEGATION_SET = EntryShape.SAM_ACCOUNT_NAME | EntryShape.PWD_LAST_SET
            | EntryShape.USER_ACCOUNT_CONTROL | EntryShape.OBJECT_CATEGORY | EntryShape.ALLOWED_TO_DELEGATE_TO
            | EntryShape.ALLOWED_TO_ACT;

    /** One search answered without its request. */
    private static final class Search {
        boolean used;
        int messageId;
        long age;
        int entries;
        int references;
        int inspected;
        int userListing;
        int spnUsers;
        int noPreauth;
        int delegation;
        int laps;
        List<SearchEntry> kept;
        int keptBytes;
    }

    private final LdapLimits limits;
    private final boolean keepEntries;
    private final EntryShape shape;
    private Search[] searches;
    private long age;
    /** Message id of the last BindResponse without its request when it answered saslBindInProgress, else -1. */
    private int bindInProgressId = -1;

    /** @param keepEntries keep the first entries for the record (protocol records are written) */
    LdapReplies(LdapLimits limits, boolean keepEntries) {
        this.limits = limits;
        this.keepEntries = keepEntries;
        this.shape = new EntryShape(limits);
    }

    private Search find(int messageId) {
        if (searches != null) {
            for (Search s : searches) {
                if (s.used && s.messageId == messageId) {
                    return s;
                }
            }
        }
        return null;
    }

    /** The search of this id, taking a free slot (or the oldest, ended with result -1) for a new one. */
    private Search slot(FlowContext ctx, int messageId) {
        Search s = find(messageId);
        if (s != null) {
            return s;
        }
        if (searches == null) {
            searches = new Search[SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                searches[i] = new Search();
            }
        }
        Search pick = null;
        for (Search x : searches) {
            if (!x.used) {
                pick = x;
                break;
            }
            if (pick == null || x.age < pick.age) {
                pick = x;
            }
        }
        if (pick.used) {
            end(ctx, pick, -1, null, null);
        }
        pick.used = true;
        pick.messageId = messageId;
        pick.age = ++age;
        return pick;
    }

    /** True when the attributes of this id's next entry would be read (so the entry is worth gathering). */
    boolean inspects(int messageId) {
        Search s = find(messageId);
        return s == null || s.inspected < MAX_INSPECTED;
    }

    /** A SearchResultEntry or SearchResultReference of this id, counted without reading it. */
    void counted(FlowContext ctx, int messageId, boolean reference) {
        Search s = slot(ctx, messageId);
        if (reference) {
            s.references++;
        } else {
            s.entries++;
        }
    }

    /**
     * A whole SearchResultEntry of this id at {@code buf[off, off+len)}: counted and read; with
     * {@code parsed} (protocol records), the parser's decoded entry is kept while within
     * {@code max_kept_entry_bytes}.
     */
    void entry(FlowContext ctx, int messageId, byte[] buf, int off, int len, LdapParser parsed) {
        Search s = slot(ctx, messageId);
        s.entries++;
        if (s.inspected < MAX_INSPECTED) {
            s.inspected++;
            if (shape.read(buf, off, len)) {
                tally(s);
            }
        }
        if (keepEntries && parsed != null && parsed.entry != null && s.keptBytes < limits.maxKeptEntryBytes()) {
            if (s.kept == null) {
                s.kept = new ArrayList<>(2);
            }
            s.kept.add(parsed.entry);
            s.keptBytes += Math.max(1, parsed.entrySize);
        }
    }

    private void tally(Search s) {
        int a = shape.attributes;
        long uac = shape.userAccountControl;
        if ((a & EntryShape.SAM_ACCOUNT_NAME) != 0 && (a & (EntryShape.PWD_LAST_SET | EntryShape.LAST_LOGON)) != 0
                && (a & ~USER_LISTING_SET) == 0) {
            s.userListing++;
        }
        if ((a & EntryShape.SPN) != 0 && (a & EntryShape.SAM_ACCOUNT_NAME) != 0 && !shape.machineAccount
                && (a & ~SPN_SET) == 0) {
            s.spnUsers++;
        }
        if ((uac & DONT_REQ_PREAUTH) != 0 && (a & ~NO_PREAUTH_SET) == 0) {
            s.noPreauth++;
        }
        boolean delegates = (uac & (TRUSTED_FOR_DELEGATION | TRUSTED_TO_AUTH_FOR_DELEGATION)) != 0
                || (a & (EntryShape.ALLOWED_TO_DELEGATE_TO | EntryShape.ALLOWED_TO_ACT)) != 0;
        if (delegates && (a & ~DELEGATION_SET) == 0) {
            s.delegation++;
        }
        if ((a & EntryShape.LAPS_PASSWORD) != 0) {
            s.laps++;
        }
    }

    /** A SearchResultDone without its request: the search's answer, entries and all. */
    void done(FlowContext ctx, LdapParser p) {
        Search s = find(p.messageId);
        if (s == null) {
            LdapEvents.reply(ctx, p.messageId, p.protocolOp, p.resultCode, -1, ReplyShape.NONE, List.of(), p.matchedDn,
                    p.diagnostic);
            return;
        }
        end(ctx, s, p.resultCode, p.matchedDn, p.diagnostic);
    }

    private void end(FlowContext ctx, Search s, int resultCode, String matchedDn, String diagnostic) {
        ReplyShape shape = new ReplyShape(s.entries, s.references, s.inspected, s.userListing, s.spnUsers, s.noPreauth,
                s.delegation, s.laps);
        LdapEvents.reply(ctx, s.messageId, LdapParser.SEARCH_RESULT_DONE, resultCode, -1, shape,
                s.kept == null ? List.of() : List.copyOf(s.kept), matchedDn, diagnostic);
        s.used = false;
        s.entries = 0;
        s.references = 0;
        s.inspected = 0;
        s.userListing = 0;
        s.spnUsers = 0;
        s.noPreauth = 0;
        s.delegation = 0;
        s.laps = 0;
        s.kept = null;
        s.keptBytes = 0;
    }

    /** A BindResponse without its request. */
    void bind(FlowContext ctx, LdapParser p) {
        LdapEvents.reply(ctx, p.messageId, p.protocolOp, p.resultCode, bindInProgressId, ReplyShape.NONE, List.of(),
                p.matchedDn, p.diagnostic);
        // 14 saslBindInProgress (RFC 4511 4.2.2): the client's next BindRequest continues this bind
        bindInProgressId = p.resultCode == 14 ? p.messageId : -1;
    }

    /** Any other response without its request (modify, add, delete, modify DN, extended). */
    void other(FlowContext ctx, LdapParser p) {
        LdapEvents.reply(ctx, p.messageId, p.protocolOp, p.resultCode, -1, ReplyShape.NONE, List.of(), p.matchedDn,
                p.diagnostic);
    }

    /** For a new flow, after {@link #flush}: as the constructor leaves it (the searches' slots are kept, all unused). */
    void reuse() {
        age = 0;
        bindInProgressId = -1;
    }

    /** The flow ended: every search still gathering becomes an answer with result -1. */
    void flush(FlowContext ctx) {
        if (searches != null) {
            for (Search s : searches) {
                if (s.used) {
                    end(ctx, s, -1, null, null);
                }
            }
        }
    }
}
