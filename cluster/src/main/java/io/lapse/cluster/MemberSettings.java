package io.lapse.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How this node's Hazelcast member finds the others, read from configuration properties with
 * their defaults and checked, so that a mistake is reported by property name and value rather
 * than by a member that never joins. Immutable.
 *
 * <table>
 * <caption>The properties</caption>
 * <tr><th>property</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@value #CLUSTER_NAME}</td><td>the cluster's name: members of other names are strangers</td>
 *     <td>{@value #DEFAULT_CLUSTER_NAME}</td></tr>
 * <tr><td>{@value #MEMBERS}</td><td>where the other members are: {@code host} or {@code host:port},
 *     as a list or one comma-separated string</td><td>{@value #DEFAULT_MEMBER}</td></tr>
 * <tr><td>{@value #PORT}</td><td>the first port this member tries to listen on</td>
 *     <td>{@value #DEFAULT_PORT}</td></tr>
 * <tr><td>{@value #PORT_COUNT}</td><td>how many ports from it it tries</td>
 *     <td>{@value #DEFAULT_PORT_COUNT}</td></tr>
 * <tr><td>{@value #INTERFACE}</td><td>the one interface it binds, an IPv4 address or a Hazelcast
 *     pattern of them ({@code 10.0.1.*}, {@code 10.0.1.10-20})</td><td>{@value #DEFAULT_INTERFACE}</td></tr>
 * </table>
 */
public final class MemberSettings {

    /** The property naming the cluster. */
    public static final String CLUSTER_NAME = "cluster_name";
    /** The property listing the members. */
    public static final String MEMBERS = "members";
    /** The property of the first port. */
    public static final String PORT = "port";
    /** The property of the port count. */
    public static final String PORT_COUNT = "port_count";
    /** The property of the interface. */
    public static final String INTERFACE = "interface";

    /** Default of {@value #CLUSTER_NAME}. */
    public static final String DEFAULT_CLUSTER_NAME = "lapse";
    /** Default of {@value #MEMBERS}: this host alone, so nothing leaves it unless configured to. */
    public static final String DEFAULT_MEMBER = "127.0.0.1";
    /** Default of {@value #PORT}: Hazelcast's. */
    public static final int DEFAULT_PORT = 5701;
    /** Default of {@value #PORT_COUNT}. */
    public static final int DEFAULT_PORT_COUNT = 10;
    /** Default of {@value #INTERFACE}. */
    public static final String DEFAULT_INTERFACE = "127.0.0.1";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?\\]");
    private static final Pattern OCTET = Pattern.compile("\\*|\\d{1,3}|\\d{1,3}-\\d{1,3}");

    private final String clusterName;
    private final List<String> members;
    private final int port;
    private final int portCount;
    private final String iface;

    /**
     * Creates settings.
     *
     * @param clusterName the cluster's name
     * @param members the members, {@code host} or {@code host:port}
     * @param port the first port
     * @param portCount how many ports from it
     * @param iface the interface
     * @throws NullPointerException if a value is {@code null}
     * @throws IllegalArgumentException if one is invalid, naming its property and value
     */
    public MemberSettings(String clusterName, List<String> members, int port, int portCount, String iface) {
        this.clusterName = checkClusterName(Objects.requireNonNull(clusterName, CLUSTER_NAME));
        this.members = checkMembers(Objects.requireNonNull(members, MEMBERS));
        this.port = checkPort(PORT, port);
        this.portCount = checkPortCount(port, portCount);
        this.iface = checkInterface(Objects.requireNonNull(iface, INTERFACE));
    }

    /** @return the settings with every default */
    public static MemberSettings defaults() {
        return from(Map.of());
    }

    /**
     * Reads settings from configuration properties, as Configuration Admin hands them: a
     * property missing takes its default; numbers as numbers or decimal strings, the members as
     * a {@code String[]}, a collection of strings or a comma-separated string. Other properties
     * are ignored.
     *
     * @param properties the properties
     * @return the settings
     * @throws NullPointerException if {@code properties} is {@code null}
     * @throws IllegalArgumentException if a value is of the wrong type or invalid, naming its
     *     property and the value
     */
    public static MemberSettings from(Map<String, ?> properties) {
        return new MemberSettings(
            text(properties, CLUSTER_NAME, DEFAULT_CLUSTER_NAME),
            list(properties, MEMBERS, DEFAULT_MEMBER),
            number(properties, PORT, DEFAULT_PORT),
            number(properties, PORT_COUNT, DEFAULT_PORT_COUNT),
            text(properties, INTERFACE, DEFAULT_INTERFACE));
    }

    /** @return the cluster's name */
    public String clusterName() {
        return clusterName;
    }

    /** @return the members, each {@code host} or {@code host:port}, unmodifiable */
    public List<String> members() {
        return members;
    }

    /** @return the first port tried */
    public int port() {
        return port;
    }

    /** @return how many ports are tried from {@link #port()} */
    public int portCount() {
        return portCount;
    }

    /** @return the interface bound */
    public String networkInterface() {
        return iface;
    }

    @Override
    public String toString() {
        return CLUSTER_NAME + "=" + clusterName + ", " + MEMBERS + "=" + String.join(",", members) + ", " + PORT
            + "=" + port + ", " + PORT_COUNT + "=" + portCount + ", " + INTERFACE + "=" + iface;
    }

    // ---------------------------------------------------------------------------- validation

    private static String checkClusterName(String name) {
        String n = name.strip();
        if (n.isEmpty()) {
            throw new IllegalArgumentException(CLUSTER_NAME + " is empty: name the cluster, or leave it out for '"
                + DEFAULT_CLUSTER_NAME + "'");
        }
        return n;
    }

    private static List<String> checkMembers(List<String> given) {
        List<String> checked = new ArrayList<>();
        for (String m : given) {
            String member = Objects.requireNonNull(m, MEMBERS).strip();
            if (!member.isEmpty()) {
                checked.add(checkMember(member));
            }
        }
        if (checked.isEmpty()) {
            throw new IllegalArgumentException(MEMBERS + " names no member: list host or host:port, this node's "
                + "own included, or leave it out for " + DEFAULT_MEMBER);
        }
        return List.copyOf(checked);
    }

    private static String checkMember(String member) {
        String host = member;
        int colon = member.lastIndexOf(':');
        boolean bracketed = member.startsWith("[");
        if (colon > 0 && (!bracketed || member.charAt(colon - 1) == ']')) {
            host = member.substring(0, colon);
            String p = member.substring(colon + 1);
            if (!p.matches("\\d{1,5}")) {
                throw new IllegalArgumentException(MEMBERS + ": '" + member + "' is not host or host:port (port '"
                    + p + "')");
            }
            checkPort(MEMBERS + ": '" + member + "' has port", Integer.parseInt(p));
        }
        if (!(bracketed ? IPV6 : HOST).matcher(host).matches()) {
            throw new IllegalArgumentException(MEMBERS + ": '" + member + "' is not host or host:port (host '"
                + host + "')");
        }
        return member;
    }

    private static int checkPort(String what, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(what + " " + port + " is not a port: 1 to 65535");
        }
        return port;
    }

    private static int checkPortCount(int port, int count) {
        if (count < 1 || port + (long) count - 1 > 65_535) {
            throw new IllegalArgumentException(PORT_COUNT + " " + count + " is outside 1.." + (65_536 - port)
                + " (ports from " + PORT + " " + port + " up to 65535)");
        }
        return count;
    }

    private static String checkInterface(String given) {
        String iface = given.strip();
        String[] octets = iface.split("\\.", -1);
        boolean valid = octets.length == 4;
        for (int i = 0; valid && i < 4; i++) {
            valid = OCTET.matcher(octets[i]).matches() && inRange(octets[i]);
        }
        if (!valid) {
            throw new IllegalArgumentException(INTERFACE + " '" + given + "' is not an IPv4 address or pattern "
                + "(such as 10.0.1.5, 10.0.1.* or 10.0.1.10-20)");
        }
        return iface;
    }

    private static boolean inRange(String octet) {
        for (String n : octet.split("-")) {
            if (!n.equals("*") && Integer.parseInt(n) > 255) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------ property types

    private static String text(Map<String, ?> properties, String name, String fallback) {
        Object v = properties.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String)) {
            throw new IllegalArgumentException(name + " is a text, not " + describe(v));
        }
        return (String) v;
    }

    private static int number(Map<String, ?> properties, String name, int fallback) {
        Object v = properties.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            long n = ((Number) v).longValue();
            if (n != (int) n) {
                throw new IllegalArgumentException(name + " " + n + " is out of range");
            }
            return (int) n;
        }
        if (v instanceof String) {
            String t = ((String) v).strip();
            if (t.matches("-?\\d{1,9}")) {
                return Integer.parseInt(t);
            }
            throw new IllegalArgumentException(name + " '" + v + "' is not a whole number");
        }
        throw new IllegalArgumentException(name + " is a whole number, not " + describe(v));
    }

    private static List<String> list(Map<String, ?> properties, String name, String fallback) {
        Object v = properties.get(name);
        List<String> items = new ArrayList<>();
        if (v == null) {
            items.add(fallback);
        } else if (v instanceof String) {
            items.addAll(List.of(((String) v).split(",", -1)));
        } else if (v instanceof String[] || v instanceof Collection) {
            Iterable<?> all = v instanceof Collection ? (Collection<?>) v : Arrays.asList((String[]) v);
            for (Object item : all) {
                if (!(item instanceof String)) {
                    throw new IllegalArgumentException(name + " lists texts, not " + describe(item));
                }
                items.add((String) item);
            }
        } else {
            throw new IllegalArgumentException(name + " is a list of texts, not " + describe(v));
        }
        return items;
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v.getClass().getSimpleName() + " '" + v + "'";
    }
}
