package io.impacketsensor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The direct logging setup must be what logback's XML reader makes of the shipped logback.xml. */
class DefaultLoggingTest {

    @Test
    void directSetupIsWhatLogbackMakesOfTheShippedFile() throws Exception {
        byte[] shipped = DefaultLogging.shipped();
        assertNotNull(shipped, "the jar carries config/logback.xml");
        LoggerContext xml = new LoggerContext();
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(xml);
        j.doConfigure(new ByteArrayInputStream(shipped));
        LoggerContext direct = new LoggerContext();
        DefaultLogging.apply(direct);

        for (String name : List.of("ROOT", "org.pcap4j", "org.pcap4j.core.Handle", "io.impacketsensor",
                "io.impacketsensor.cli.Daemon", "com.fasterxml.jackson", "org.apache.kafka.clients")) {
            Level a = xml.getLogger(name).getEffectiveLevel();
            Level b = direct.getLogger(name).getEffectiveLevel();
            assertEquals(a, b, name);
            assertEquals(xml.getLogger(name).getLevel(), direct.getLogger(name).getLevel(), name);
        }
        List<Appender<?>> xa = appenders(xml);
        List<Appender<?>> da = appenders(direct);
        assertEquals(1, xa.size());
        assertEquals(1, da.size());
        ConsoleAppender<?> x = (ConsoleAppender<?>) xa.get(0);
        ConsoleAppender<?> d = (ConsoleAppender<?>) da.get(0);
        assertEquals(x.getName(), d.getName());
        assertEquals(x.getTarget(), d.getTarget());
        assertTrue(d.isStarted());
        PatternLayoutEncoder xe = (PatternLayoutEncoder) x.getEncoder();
        DefaultLogging.LazyPatternEncoder de = (DefaultLogging.LazyPatternEncoder) d.getEncoder();
        assertEquals(xe.getPattern(), de.getPattern());
        assertEquals(null == xe.headerBytes() || xe.headerBytes().length == 0, de.headerBytes() == null, "no header");
        assertFalse(de.patternStarted(), "nothing written: the pattern is not parsed");
        // the same line for the same event, byte for byte
        LoggingEvent ev = new LoggingEvent("x", xml.getLogger("io.impacketsensor.cli.Daemon"), Level.WARN,
                "eve file reopened: {}", null, new Object[] {"/var/log/eve.json"});
        ev.setTimeStamp(1_700_000_000_123L);
        ev.setThreadName("main");
        assertArrayEquals(xe.encode(ev), de.encode(ev));
        assertTrue(de.patternStarted());
        for (String name : List.of("ROOT", "org.pcap4j", "io.impacketsensor")) {
            assertEquals(xml.getLogger(name).isAdditive(), direct.getLogger(name).isAdditive(), name);
        }
    }

    @Test
    void onlyTheShippedContentIsSetUpDirectly(@TempDir Path dir) throws Exception {
        byte[] shipped = DefaultLogging.shipped();
        Path same = dir.resolve("logback.xml");
        Files.write(same, shipped);
        assertTrue(DefaultLogging.sameAsShipped(same.toString(), shipped));
        assertTrue(DefaultLogging.sameAsShipped(null, shipped), "no property: the jar's copy");
        Path edited = dir.resolve("edited.xml");
        Files.writeString(edited, new String(shipped, StandardCharsets.UTF_8)
                .replace("<logger name=\"io.impacketsensor\" level=\"INFO\"/>", "<logger name=\"io.impacketsensor\" level=\"DEBUG\"/>"));
        assertFalse(DefaultLogging.sameAsShipped(edited.toString(), shipped), "an edited file goes to logback");
        assertFalse(DefaultLogging.sameAsShipped(dir.resolve("missing.xml").toString(), shipped));
        assertFalse(DefaultLogging.sameAsShipped("file:" + same, shipped), "a URL goes to logback");
        assertFalse(DefaultLogging.sameAsShipped(dir.toString(), shipped), "a directory goes to logback");
    }

    private static List<Appender<?>> appenders(LoggerContext lc) {
        List<Appender<?>> out = new ArrayList<>();
        lc.getLogger("ROOT").iteratorForAppenders().forEachRemaining(out::add);
        for (String name : List.of("org.pcap4j", "io.impacketsensor")) {
            assertFalse(lc.getLogger(name).iteratorForAppenders().hasNext(), name + " has no appender of its own");
        }
        return out;
    }
}
