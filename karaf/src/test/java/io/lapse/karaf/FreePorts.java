package io.lapse.karaf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ports free on the loopback address for the Karafs and Hazelcast members a test starts, which
 * bind them seconds later. None is handed out twice in this JVM, so that ports taken for one Karaf
 * and then for another (each still unbound) never collide. Thread-safe.
 */
final class FreePorts {

    /** Every port handed out so far; guarded by the class. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /**
     * @param count how many ports
     * @return that many ports, free now, all different and never handed out before
     * @throws IOException if the loopback address has no free port to give
     */
    static synchronized int[] take(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    ports[found++] = socket.getLocalPort();
                }
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
