package io.impacketsensor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Logback's configuration when it is the shipped {@code logback.xml}: the same appender, pattern and
 * levels set up directly instead of through logback's XML reader, whose parser and model took about
 * a third of a short replay's main-thread time. The file logback would read (the
 * {@code logback.configurationFile} the launchers pass, else the jar's copy) is compared byte for
 * byte with the jar's copy; any other content, a file that cannot be read, a URL or a
 * {@code logback-test.xml} on the class path goes to logback's own configurators as before, so an
 * edited {@code /etc/impacket-sensor/logback.xml} is honoured. {@code DefaultLoggingTest} checks
 * that this setup is what logback makes of the shipped file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    /** The pattern of the shipped file's STDERR appender. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{30}: %msg%n";
    private static final String SHIPPED = "logback.xml";

    @Override
    public ExecutionStatus configure(LoggerContext lc) {
        if (!isShipped()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(lc);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** True when logback would read a file with the shipped content. */
    static boolean isShipped() {
        ClassLoader cl = DefaultLogging.class.getClassLoader();
        byte[] shipped = resource(cl, SHIPPED);
        return shipped != null && cl.getResource("logback-test.xml") == null
                && sameAsShipped(System.getProperty("logback.configurationFile"), shipped);
    }

    /**
     * True when {@code file} (the {@code logback.configurationFile} property, or null for none: the
     * class path's {@code logback.xml}, the jar's copy) holds exactly {@code shipped}.
     */
    static boolean sameAsShipped(String file, byte[] shipped) {
        if (file == null) {
            return true;
        }
        try {
            Path p = Path.of(file);
            return Files.isRegularFile(p) && Arrays.equals(Files.readAllBytes(p), shipped);
        } catch (IOException | RuntimeException e) {
            // not a readable path (a URL, a class-path resource name): logback resolves it
            return false;
        }
    }

    static byte[] shipped() {
        return resource(DefaultLogging.class.getClassLoader(), SHIPPED);
    }

    private static byte[] resource(ClassLoader cl, String name) {
        try (InputStream in = cl.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** The shipped configuration: stderr with {@link #PATTERN}; org.pcap4j WARN, io.impacketsensor INFO, root WARN. */
    static void apply(LoggerContext lc) {
        LazyPatternEncoder encoder = new LazyPatternEncoder();
        encoder.setContext(lc);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(lc);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        lc.getLogger("org.pcap4j").setLevel(Level.WARN);
        lc.getLogger("io.impacketsensor").setLevel(Level.INFO);
        ch.qos.logback.classic.Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }

    /**
     * The shipped pattern's encoder, made when the first line is written: parsing the pattern and
     * starting its converters (the date format with its time zone, logback's table of converters
     * built from method references) took about a tenth of a short replay's main thread, and most
     * runs write no log line at all. Its lines are the pattern encoder's, byte for byte.
     */
    static final class LazyPatternEncoder extends EncoderBase<ILoggingEvent> {
        private volatile PatternLayoutEncoder encoder;

        String getPattern() {
            return PATTERN;
        }

        /** True once a line was written (the pattern's encoder exists). */
        boolean patternStarted() {
            return encoder != null;
        }

        private PatternLayoutEncoder encoder() {
            PatternLayoutEncoder e = encoder;
            if (e == null) {
                synchronized (this) {
                    e = encoder;
                    if (e == null) {
                        e = new PatternLayoutEncoder();
                        e.setContext(getContext());
                        e.setPattern(PATTERN);
                        e.start();
                        encoder = e;
                    }
                }
            }
            return e;
        }

        /** The pattern has no header: what the pattern encoder would give, without making it. */
        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            return encoder().encode(event);
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }

        @Override
        public void stop() {
            PatternLayoutEncoder e = encoder;
            if (e != null) {
                e.stop();
            }
            super.stop();
        }
    }
}
