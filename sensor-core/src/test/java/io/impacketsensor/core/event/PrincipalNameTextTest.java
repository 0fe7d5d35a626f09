package io.impacketsensor.core.event;

import io.impacketsensor.core.event.KerberosEvent.PrincipalName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A name's text is its components joined with '/', however the names asked follow each other. */
class PrincipalNameTextTest {

    @Test
    void theTextIsTheJoinedComponents() {
        List<PrincipalName> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add(new PrincipalName(2, i % 3 == 0 ? List.of("krbtgt", "LAB.TEST") : List.of("cifs", "dc" + i)));
        }
        names.add(new PrincipalName(1, List.of()));
        names.add(new PrincipalName(1, List.of("user")));
        Random r = new Random(4120);
        for (int i = 0; i < 10_000; i++) {
            // runs of one name, alternations of a few, and jumps among all
            PrincipalName n = names.get(i % 50 < 25 ? r.nextInt(3) : r.nextInt(names.size()));
            assertEquals(String.join("/", n.components()), n.toString());
        }
        PrincipalName n = names.get(1);
        assertSame(n.toString(), n.toString(), "a name asked again gives its text again");
        assertEquals("krbtgt/LAB.TEST", new PrincipalName(2, List.of("krbtgt", "LAB.TEST")).toString());
    }
}
