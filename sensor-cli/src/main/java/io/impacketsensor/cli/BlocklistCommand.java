package io.impacketsensor.cli;

import io.impacketsensor.detection.model.BlockEntry;
import io.impacketsensor.detection.config.ConfigException;
import io.impacketsensor.detection.response.AllowListMatcher;
import io.impacketsensor.detection.state.AtomicFile;
import io.impacketsensor.detection.state.FileBlocklistStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code impacket-sensor blocklist list|remove IP|export}: the persisted blocklist in the state directory. */
@Command(name = "blocklist", mixinStandardHelpOptions = true,
        description = {"The blocklist persisted in the state directory (blocklist.json).",
            "While the daemon runs, remove through its API (remove --http HOST:PORT), or the daemon's next "
                + "change rewrites the file with the address still in it."},
        subcommands = {BlocklistCommand.ListCmd.class, BlocklistCommand.Remove.class, BlocklistCommand.Export.class})
final class BlocklistCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.required(spec, "a subcommand is required");
    }

    /** Where the state is: --state-dir, else the config file's state.dir, else the default. */
    static final class StateOptions {
        @Option(names = "--state-dir", paramLabel = "DIR", description = "state directory (default: config state.dir, /var/lib/impacket-sensor)")
        Path stateDir;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (for state.dir)")
        Path config;

        Path dir() throws UsageException {
            Path d = stateDir != null ? stateDir : Path.of(SensorConfig.load(config).stateDir());
            if (Files.exists(d) && !Files.isDirectory(d)) {
                throw new UsageException("state directory " + d + ": not a directory");
            }
            return d;
        }

        /** Entries not lapsed now. */
        List<BlockEntry> current() throws IOException, UsageException {
            List<BlockEntry> out = new ArrayList<>();
            Instant now = Instant.now();
            for (BlockEntry e : FileBlocklistStore.read(dir().resolve(FileBlocklistStore.FILE))) {
                if (!e.expired(now)) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        StateOptions state;

        abstract int exec(PrintWriter out) throws IOException, InterruptedException, UsageException;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            try {
                int rc = exec(spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return rc;
            } catch (ConfigException | UsageException e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                return Main.EXIT_USAGE;
            } catch (IOException e) {
                err.println(spec.qualifiedName() + ": " + IoReason.of(e));
                return Main.EXIT_FAILURE;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists blocked addresses (lapsed entries omitted).")
    static final class ListCmd extends Sub {
        @Override
        int exec(PrintWriter out) throws IOException, UsageException {
            for (BlockEntry e : state.current()) {
                out.println(e.ip() + "\t" + e.attackType() + "\t" + e.confidence() + "\t" + e.blockedAt() + "\t"
                        + (e.expiresAt() == null ? "never" : e.expiresAt().toString()) + "\t" + e.reason());
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes an address: from the state file, or from a running daemon with --http.",
            footer = {"Exit codes: 0 removed, 1 not blocked or failure, 2 bad usage."})
    static final class Remove extends Sub {
        @Parameters(paramLabel = "IP")
        String ip;

        @Option(names = "--http", paramLabel = "HOST:PORT", description = "the running daemon's HTTP API (e.g. 127.0.0.1:9470)")
        String http;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "the API's bearer token (default: config http.token_file, else api-token in the state directory)")
        Path tokenFile;

        @Override
        int exec(PrintWriter out) throws IOException, InterruptedException, UsageException {
            if (AllowListMatcher.parseAddress(ip) == null) {
                throw new UsageException("not an IP address: '" + ip + "'");
            }
            if (http != null) {
                String err = HostPort.check(http);
                if (err != null) {
                    throw new UsageException("--http: " + err);
                }
                Path tf = tokenFile;
                if (tf == null) {
                    String configured = SensorConfig.load(state.config).guard().tokenFile();
                    tf = configured.isEmpty() ? state.dir().resolve(ApiToken.FILE) : Path.of(configured);
                }
                String token = ApiToken.clientToken(tf);
                HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                        HttpRequest.newBuilder(URI.create("http://" + http + "/blocklist/" + ip)).DELETE()
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                out.println(r.body().strip());
                return r.statusCode() == 200 ? Main.EXIT_OK : Main.EXIT_FAILURE;
            }
            Path file = state.dir().resolve(FileBlocklistStore.FILE);
            List<BlockEntry> all = new ArrayList<>(FileBlocklistStore.read(file));
            if (!all.removeIf(e -> e.ip().equals(ip))) {
                out.println(ip + " is not blocked");
                return Main.EXIT_FAILURE;
            }
            AtomicFile.write(file, FileBlocklistStore.serialize(all));
            out.println("unblocked " + ip);
            return Main.EXIT_OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes the current blocklist: plain (one address a line), nft (an nft -f script "
                + "filling the sets inet impacket_sensor blocklist/blocklist6 with the remaining timeouts) or json."})
    static final class Export extends Sub {
        @Option(names = "--format", paramLabel = "FMT", defaultValue = "plain", description = "plain, nft or json (default ${DEFAULT-VALUE})")
        String format;

        @Override
        int exec(PrintWriter out) throws IOException, UsageException {
            List<BlockEntry> l = state.current();
            switch (format) {
                case "plain" -> l.forEach(e -> out.println(e.ip()));
                case "json" -> out.print(new String(FileBlocklistStore.serialize(l), StandardCharsets.UTF_8) + "\n");
                case "nft" -> {
                    out.print(NftEnforcer.setupScript());
                    Instant now = Instant.now();
                    l.forEach(e -> out.print(NftEnforcer.addScript(e, now)));
                }
                default -> throw new UsageException("--format must be plain, nft or json, not '" + format + "'");
            }
            return Main.EXIT_OK;
        }
    }
}
