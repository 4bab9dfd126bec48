package io.lapse.jmx;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.StandardMBean;

/**
 * An MXBean whose attributes, operations and parameters carry the names and texts of its
 * interface ({@link Description} annotations, parameter names compiled in with
 * {@code -parameters}), so that jconsole shows {@code key} rather than {@code p0}.
 *
 * <p>Immutable after construction and as thread-safe as the implementation it exposes.
 */
final class DescribedMXBean<T> extends StandardMBean {

    private final Class<T> type;
    private final String description;

    /**
     * Exposes an implementation through its MXBean interface.
     *
     * @param implementation the object whose methods are called
     * @param type the MXBean interface
     * @param description what the MBean as a whole is
     */
    DescribedMXBean(T implementation, Class<T> type, String description) {
        super(implementation, type, true);
        this.type = type;
        this.description = description;
    }

    /** Reads the attributes from one snapshot when the implementation offers that ({@link BatchedReads}). */
    @Override
    public AttributeList getAttributes(String[] attributes) {
        Object implementation = getImplementation();
        if (implementation instanceof BatchedReads) {
            return ((BatchedReads) implementation).inOneSnapshot(() -> super.getAttributes(attributes));
        }
        return super.getAttributes(attributes);
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return description;
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        Method getter = method((info.isIs() ? "is" : "get") + info.getName(), 0);
        return describe(getter, info.getDescription());
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return describe(method(info.getName(), info.getSignature().length), info.getDescription());
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Method m = method(op.getName(), op.getSignature().length);
        if (m != null) {
            Parameter p = m.getParameters()[sequence];
            if (p.isNamePresent()) {
                return p.getName();
            }
        }
        return param.getName();
    }

    /** The interface's method of a name and arity: the MXBean interfaces have no overloads. */
    private Method method(String name, int parameters) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == parameters) {
                return m;
            }
        }
        return null;
    }

    private static String describe(Method m, String fallback) {
        Description d = m == null ? null : m.getAnnotation(Description.class);
        return d == null ? fallback : d.value();
    }
}
