package io.lapse.karaf;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import io.lapse.testing.Await;

/**
 * A remote JMX client of Karaf's connector, logged in as one Karaf user, as jconsole is: every
 * call goes over RMI and through Karaf's role checks ({@code jmx.acl.*}).
 */
final class RemoteJmx implements AutoCloseable {

    private final JMXConnector connector;
    private final MBeanServerConnection server;

    private RemoteJmx(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
    }

    /**
     * Connects, trying again until Karaf's connector answers.
     *
     * @param process the running Karaf; the wait fails at once if it has ended
     * @param karaf its configuration, for the connector's URL
     * @param user a Karaf user
     * @param password the user's password
     * @param timeout how long to keep trying
     * @return the connected client
     */
    static RemoteJmx connect(KarafProcess process, KarafHome karaf, String user, String password, Duration timeout) {
        JMXServiceURL url = url(karaf.jmxUrl());
        Map<String, Object> credentials = Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
        return Await.answer("Karaf's JMX connector at " + url + " as " + user, timeout, () -> {
            process.assertAlive();
            return new RemoteJmx(JMXConnectorFactory.connect(url, credentials));
        }, connected -> true);
    }

    MBeanServerConnection server() {
        return server;
    }

    /** Invokes an operation whose parameters are all Strings. */
    Object invoke(ObjectName bean, String operation, String... arguments) throws Exception {
        String[] signature = new String[arguments.length];
        Arrays.fill(signature, String.class.getName());
        return server.invoke(bean, operation, arguments, signature);
    }

    Object attribute(ObjectName bean, String name) throws Exception {
        return server.getAttribute(bean, name);
    }

    static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not an ObjectName: " + name, e);
        }
    }

    private static JMXServiceURL url(String url) {
        try {
            return new JMXServiceURL(url);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JMX service URL: " + url, e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException gone) {
            // the connection dies with Karaf
        }
    }
}
