package io.impacketsensor.core.testkit;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An event as text for comparing two runs: like a record's {@code toString}, but byte arrays by
 * their content (hex) instead of their identity, so that equal events give equal text.
 */
public final class EventText {
    private EventText() {
    }

    public static String of(Object o) {
        if (o instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (o instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(of(x)));
            return out.toString();
        }
        if (o instanceof Record r) {
            StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append('[');
            String sep = "";
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                Object v;
                try {
                    c.getAccessor().setAccessible(true);
                    v = c.getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(c.toString(), e);
                }
                sb.append(sep).append(c.getName()).append('=').append(of(v));
                sep = ", ";
            }
            return sb.append(']').toString();
        }
        return String.valueOf(o);
    }
}
