package io.impacketsensor.detection.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The relay layer's account key finds an account exactly when the lower-case text
 * {@code domain + "\\" + user} it stands for is the same (synthetic names).
 */
class AccountKeyTest {
    /** The text the key stands for. */
    private static String text(String domain, String user) {
        return (domain == null ? "" : domain.toLowerCase(Locale.ROOT)) + "\\" + user.toLowerCase(Locale.ROOT);
    }

    private static final String[][] NAMES = {
            {"CORP", "Administrator"}, {"corp", "administrator"}, {"CoRp", "ADMINISTRATOR"}, {null, "admin"},
            {"", "admin"}, {"corp", "admin"}, {"corp", "admin2"}, {"cor", "padmin"}, {"a\\b", "c"}, {"a", "b\\c"},
            {"DOM\u0130", "x"}, {"domi\u0307", "x"}, {"domi", "x"}, {"DOM", "\u212Aelvin"}, {"dom", "kelvin"},
            {"\u03A3\u039F\u03A3", "u"}, {"\u03C3\u03BF\u03C2", "u"}, {"\u00C9COLE", "\u00E9l\u00E8ve"},
            {"\u00E9cole", "\u00C9L\u00C8VE"}, {"x", "\u00FF"}, {"x", "\u0178"},
    };

    @Test
    void aProbeFindsTheStoredKeyOfEveryNameWithTheSameLowerCaseText() {
        for (String[] a : NAMES) {
            AccountKey stored = new AccountKey().set(a[0], a[1]).stored();
            assertEquals(text(a[0], a[1]), stored.text());
            for (String[] b : NAMES) {
                AccountKey probe = new AccountKey().set(b[0], b[1]);
                boolean same = text(a[0], a[1]).equals(text(b[0], b[1]));
                String what = a[0] + "\\" + a[1] + " / " + b[0] + "\\" + b[1];
                assertEquals(same, probe.equals(stored), what);
                assertEquals(same, stored.equals(probe), what);
                assertEquals(same, probe.stored().equals(stored), what);
                if (same) {
                    assertEquals(stored.hashCode(), probe.hashCode(), what);
                }
            }
        }
    }

    @Test
    void oneProbeReusedFindsEachAccountInAMap() {
        Map<AccountKey, String> m = new HashMap<>();
        AccountKey probe = new AccountKey();
        for (String[] a : NAMES) {
            if (!m.containsKey(probe.set(a[0], a[1]))) {
                AccountKey k = probe.stored();
                m.put(k, k.text());
            }
        }
        for (String[] a : NAMES) {
            assertEquals(text(a[0], a[1]), m.get(probe.set(a[0], a[1])));
        }
        assertNull(m.get(probe.set("other", "user")));
        assertNotEquals(m.size(), NAMES.length); // several names share an account
    }

    @Test
    void theStoredKeyIsACopy() {
        AccountKey probe = new AccountKey().set("CORP", "Alice");
        AccountKey stored = probe.stored();
        probe.set("corp", "bob");
        assertEquals("corp\\alice", stored.text());
        assertNotEquals(stored, probe);
        assertSame(stored.text(), stored.text());
    }
}
