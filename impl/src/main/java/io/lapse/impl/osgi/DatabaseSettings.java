package io.lapse.impl.osgi;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a cache reaches its database: a JDBC URL through the {@code DataSourceFactory} service of
 * its driver, or a {@code DataSource} service chosen by a filter. Immutable. The password is kept
 * for the factory and never appears in {@link #describe()} or {@link #toString()}.
 */
final class DatabaseSettings {

    /** The password of a {@code //user:password@} userinfo; a password may hold ':' and '@'. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#;@:]*:)[^/?#;]*@");
    /** The value of a {@code password=} parameter, up to the next separator. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password\\s*=\\s*)[^&;]*");

    /** The driver class that selects the {@code DataSourceFactory} ({@code osgi.jdbc.driver.class}); null with a filter. */
    final String driver;
    /** The JDBC URL; null with a filter. */
    final String url;
    final String user;
    final String password;
    /** The LDAP filter on {@code DataSource} services; null with a URL. */
    final String dataSourceFilter;
    /** How long a load waits for the service to appear. */
    final Duration wait;
    /** How long a database call may take ({@code db_timeout}). */
    final Duration timeout;

    private DatabaseSettings(String driver, String url, String user, String password, String dataSourceFilter,
        Duration wait, Duration timeout) {
        this.driver = driver;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dataSourceFilter = dataSourceFilter;
        this.wait = wait;
        this.timeout = timeout;
    }

    static DatabaseSettings url(String driver, String url, String user, String password, Duration wait,
        Duration timeout) {
        return new DatabaseSettings(driver, url, user, password, null, wait, timeout);
    }

    static DatabaseSettings dataSource(String filter, Duration wait, Duration timeout) {
        return new DatabaseSettings(null, null, null, null, filter, wait, timeout);
    }

    /**
     * Describes the database without its password: in the URL, the password of a
     * {@code //user:password@host} and the value of any {@code password=} (in any case, with
     * {@code ?}, {@code &} or {@code ;} before it) are masked.
     *
     * @return e.g. {@code jdbc:h2:./data/h2/lapse} or {@code DataSource (dataSourceName=lapse)}
     */
    String describe() {
        if (url == null) {
            return "DataSource " + dataSourceFilter;
        }
        return PASSWORD_PARAMETER.matcher(USER_INFO.matcher(url).replaceFirst("$1***@")).replaceAll("$1***");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DatabaseSettings)) {
            return false;
        }
        DatabaseSettings d = (DatabaseSettings) o;
        return Objects.equals(driver, d.driver) && Objects.equals(url, d.url) && Objects.equals(user, d.user)
            && Objects.equals(password, d.password) && Objects.equals(dataSourceFilter, d.dataSourceFilter)
            && wait.equals(d.wait) && timeout.equals(d.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(driver, url, user, password, dataSourceFilter, wait, timeout);
    }

    @Override
    public String toString() {
        return describe() + (driver == null ? "" : " (driver " + driver + ")");
    }
}
