package io.impacketsensor.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What {@code live} adds to a capture run to be a service: the EVE file (reopened on SIGHUP for
 * logrotate), the {@link Service} (engine, persisted blocklist, counters, metrics, HTTP API), and
 * the orderly end on SIGTERM (the run drains, then {@link #finish} saves the state before exit).
 */
final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final Service service;
    private final ReopenableFile eveFile;
    private final EveWriter eve;

    private Daemon(Service service, ReopenableFile eveFile, EveWriter eve) {
        this.service = service;
        this.eveFile = eveFile;
        this.eve = eve;
    }

    static Daemon start(SensorConfig cfg, PrintWriter err) throws UsageException {
        return start(cfg, err, RuleFiles.NONE);
    }

    /** Starts the service with the operator's rule files in force; they are read again on SIGHUP. */
    static Daemon start(SensorConfig cfg, PrintWriter err, RuleFiles rules) throws UsageException {
        Service service;
        try {
            service = new Service(cfg);
        } catch (IOException e) {
            throw new UsageException("state directory " + cfg.stateDir() + ": " + IoReason.of(e));
        } catch (RuntimeException e) {
            throw new UsageException("state directory " + cfg.stateDir() + ": " + e.getMessage());
        }
        try {
            rules.applyAtStart(service.engine());
        } catch (UsageException e) {
            service.close();
            throw e;
        }
        ReopenableFile file = null;
        EveWriter eve;
        try {
            if (cfg.eve().isEmpty()) {
                eve = null;
            } else if (cfg.eve().equals("-")) {
                eve = SensorRun.openEve("-", cfg.protocolRecords());
            } else {
                file = new ReopenableFile(Path.of(cfg.eve()));
                eve = new EveWriter(file, true, cfg.protocolRecords());
                service.eveWriteFailures(file::writeFailures);
            }
        } catch (IOException | RuntimeException e) {
            service.close();
            throw new UsageException("cannot write EVE output " + cfg.eve() + ": "
                    + (e instanceof IOException io ? IoReason.of(io) : e.getMessage()));
        }
        if (eve != null) {
            eve.enforcement(service::enforcing);
        }
        Daemon d = new Daemon(service, file, eve);
        try {
            java.net.InetSocketAddress a = service.startHttp();
            if (a != null) {
                err.println("live: HTTP API on " + a.getHostString() + ":" + a.getPort());
            }
        } catch (UsageException e) {
            d.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw new UsageException("cannot listen on " + cfg.http() + ": " + e.getMessage());
        }
        if (file != null || !rules.isEmpty()) {
            ReopenableFile f = file;
            try {
                sun.misc.SignalHandler before = Signal.handle(new Signal("HUP"), s -> {
                    if (f != null) {
                        try {
                            f.reopen();
                            LOG.info("SIGHUP: reopened {}", cfg.eve());
                        } catch (IOException e) {
                            LOG.warn("SIGHUP: cannot reopen {}: {}", cfg.eve(), e.getMessage());
                        }
                    }
                    reloadRules(rules, service);
                });
                if (before == sun.misc.SignalHandler.SIG_IGN) {
                    // A disposition inherited as ignored (nohup, some supervisors) stays ignored: the JVM
                    // does not install a handler over it, so a rotation would go on writing the moved file.
                    LOG.warn("SIGHUP is ignored by the process that started the sensor (nohup?): the EVE file is "
                            + "not reopened and the rule files are not re-read on SIGHUP; start it without nohup");
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("SIGHUP handling unavailable: {}", e.getMessage());
            }
        }
        return d;
    }

    /**
     * SIGHUP: reads the operator rule files again. A file that does not parse is rejected whole and
     * the rules and tuning in force stay; the log line names file:line.
     */
    static boolean reloadRules(RuleFiles rules, Service service) {
        if (rules.isEmpty()) {
            return true;
        }
        try {
            io.impacketsensor.detection.rules.Tuning t = rules.apply(service.engine());
            LOG.info("SIGHUP: operator rules reloaded ({} rules in force, {} tuning entries)",
                    service.engine().rules().size(), t.describe().size());
            return true;
        } catch (io.impacketsensor.detection.rules.RuleException e) {
            LOG.warn("SIGHUP: rule files rejected, the rules and tuning in force stay: {}", e.getMessage());
            return false;
        }
    }

    EveWriter eve() {
        return eve;
    }

    Service service() {
        return service;
    }

    /** Periodic work while capturing (the run's status loop, about every half second). */
    void tick() {
        service.tick();
    }

    /** After the run drained and wrote its last records: save the state, stop the API. */
    void finish() {
        service.close();
    }

    @Override
    public void close() {
        service.close();
        if (eve != null) {
            try {
                eve.close();
            } catch (IOException ignored) {
                // closing after a failed start: nothing was written
            }
        }
    }
}
