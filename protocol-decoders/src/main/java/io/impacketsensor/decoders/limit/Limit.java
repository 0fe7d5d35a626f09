package io.impacketsensor.decoders.limit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The accepted range and the one-line description of one component of an {@code XxxLimits} record.
 * {@link DecoderLimits} reads it to validate {@code decoders.<proto>.<name>} in the YAML and to
 * print the documented table, so the range and the text exist once, next to the component.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Limit {
    /** Smallest accepted value. */
    long min();

    /** Largest accepted value. */
    long max();

    /** What the limit bounds, for the documented table (one line, no trailing period). */
    String doc();
}
