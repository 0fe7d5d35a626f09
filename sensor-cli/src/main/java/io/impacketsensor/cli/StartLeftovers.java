package io.impacketsensor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a {@code live} start creates before it knows it can run (the EVE file, the state directory
 * and its files: API token, blocklist, counters), so that a start that then fails (unknown
 * interface, a port in use) can remove them: the operator finds the files as they were, and a
 * later start does not pick up a token or an empty EVE file of a run that never happened.
 * Files that were there before are never touched.
 */
final class StartLeftovers {
    private final Path eve;
    private final boolean eveExisted;
    private final Path stateDir;
    private final boolean stateDirExisted;
    private final Set<Path> stateEntries = new HashSet<>();

    StartLeftovers(SensorConfig cfg) {
        eve = cfg.eve().isEmpty() || cfg.eve().equals("-") ? null : Path.of(cfg.eve());
        eveExisted = eve != null && Files.exists(eve, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        stateDir = Path.of(cfg.stateDir());
        stateDirExisted = Files.isDirectory(stateDir);
        if (stateDirExisted) {
            try (Stream<Path> s = Files.list(stateDir)) {
                s.forEach(stateEntries::add);
            } catch (IOException e) {
                // unreadable: nothing of it will be removed (see remove)
                stateEntries.add(stateDir);
            }
        }
    }

    /** Removes what was created since the constructor; what cannot be removed is left. */
    void remove() {
        if (eve != null && !eveExisted) {
            deleteQuietly(eve);
        }
        if (stateEntries.contains(stateDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(stateDir)) {
            for (Path p : s.toList()) {
                if (!stateEntries.contains(p) && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            return;
        }
        if (!stateDirExisted) {
            deleteQuietly(stateDir); // only when empty
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left in place: a directory that is not empty, or no permission
        }
    }
}
