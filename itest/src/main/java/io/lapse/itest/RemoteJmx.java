package io.lapse.itest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * A JMX client connected over RMI to this JVM's platform MBeanServer, as jconsole connects:
 * every call is serialized, so a result or exception of a class the client cannot load fails
 * here as it would there. The connector listens on loopback only (and failsafe sets
 * {@code java.rmi.server.hostname=127.0.0.1}, the address its stub hands out).
 */
final class RemoteJmx implements AutoCloseable {

    private final JMXConnectorServer server;
    private final JMXConnector client;

    private RemoteJmx(JMXConnectorServer server, JMXConnector client) {
        this.server = server;
        this.client = client;
    }

    static RemoteJmx connect() throws IOException {
        RMIServerSocketFactory loopback = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
            new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
            Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopback),
            ManagementFactory.getPlatformMBeanServer());
        server.start();
        try {
            return new RemoteJmx(server, JMXConnectorFactory.connect(server.getAddress()));
        } catch (IOException | RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    MBeanServerConnection connection() throws IOException {
        return client.getMBeanServerConnection();
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            server.stop();
        }
    }
}
