package io.impacketsensor.cli;

import java.nio.file.Path;

/**
 * The daemon's service part as a process of its own, for tests that kill it: the same
 * {@link Service} (engine, blocklist, state saver) and HTTP API that {@code live} starts, without
 * the packet capture (which needs libpcap and capture rights). Prints {@code listening PORT}, then
 * runs until killed.
 */
final class ServiceProcess {
    private ServiceProcess() {
    }

    /** Arguments: config file, state directory. */
    public static void main(String[] args) throws Exception {
        SensorConfig cfg = SensorConfig.load(Path.of(args[0])).withOverrides(null, null, null, null, null, null, null,
                Path.of(args[1]), "127.0.0.1:0", false);
        Service s = new Service(cfg);
        System.out.println("listening " + s.startHttp().getPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
