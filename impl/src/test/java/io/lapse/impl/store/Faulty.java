package io.lapse.impl.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database whose reads fail the way a JVM under stress fails: a {@link ResultSet#getString}
 * that throws an {@link Error} (an {@code OutOfMemoryError} while a big table loads, a
 * {@code LinkageError} after a driver refresh). Everything else goes to the H2 behind it.
 */
final class Faulty implements Database {

    private final H2 db;
    private final Throwable error;
    private final int failingCall;
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * @param error what the {@code failingCall}-th {@code getString} of a read throws (1 for the first)
     */
    Faulty(H2 db, Throwable error, int failingCall) {
        this.db = db;
        this.error = error;
        this.failingCall = failingCall;
    }

    @Override
    public Connection connect(Duration wait) throws SQLException {
        Connection c = db.connect(wait);
        return wrap(Connection.class, c, (proxy, method, args) -> {
            Object result = call(method, c, args);
            return result instanceof Statement && method.getName().equals("createStatement")
                ? statement((Statement) result) : result;
        });
    }

    private Statement statement(Statement st) {
        return wrap(Statement.class, st, (proxy, method, args) -> {
            Object result = call(method, st, args);
            return result instanceof ResultSet ? resultSet((ResultSet) result) : result;
        });
    }

    private ResultSet resultSet(ResultSet rs) {
        return wrap(ResultSet.class, rs, (proxy, method, args) -> {
            if (method.getName().equals("getString") && calls.incrementAndGet() == failingCall) {
                throw error;
            }
            return call(method, rs, args);
        });
    }

    @Override
    public String describe() {
        return db.describe();
    }

    private static Object call(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T wrap(Class<T> type, T target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(Faulty.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
