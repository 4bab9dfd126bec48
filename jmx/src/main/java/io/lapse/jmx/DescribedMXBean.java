package io.lapse.jmx;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Optional;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.InvalidAttributeValueException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.ReflectionException;
import javax.management.StandardMBean;

import io.lapse.jmx.admin.CleanErrors;
import io.lapse.jmx.admin.StatFigure;

/**
 * An MXBean whose attributes, operations and parameters carry the names and texts of its
 * interface ({@link Description} annotations, parameter names compiled in with
 * {@code -parameters}), so that jconsole shows {@code key} rather than {@code p0}; an attribute
 * that is a figure of the statistics carries the description of its {@link StatFigure}.
 *
 * <h2>Clean refusals</h2>
 * The implementation's own failures are already clean ({@link CleanErrors}). But the JMX
 * machinery around it refuses calls too, before the implementation runs: an argument of the wrong
 * type or a null for a {@code long} ({@code IllegalArgumentException: argument type mismatch}),
 * a wrong number of arguments, no operation or attribute of that name. Those exceptions carry the
 * server's stack trace and echo the client's text, line breaks included. So every exception that
 * leaves this MBean is made clean on the way out: no stack trace, a message on one line
 * ({@link CleanErrors#oneLine}) of at most {@value #SHOWN} characters and the length it had (the
 * runtime echoes an operation or attribute name whatever its size), and a refused argument becomes an
 * {@link IllegalArgumentException} naming the MBean's subject and the operation. The exception
 * types stay those of {@link javax.management.DynamicMBean}.
 *
 * <p>Immutable after construction and as thread-safe as the implementation it exposes.
 */
final class DescribedMXBean<T> extends StandardMBean {

    private static final StackTraceElement[] NO_TRACE = new StackTraceElement[0];

    /** The most characters of a machinery's message a refusal keeps. */
    private static final int SHOWN = 1000;

    private final Class<T> type;
    private final String description;
    private final String subject;

    /**
     * Exposes an implementation through its MXBean interface.
     *
     * @param implementation the object whose methods are called
     * @param type the MXBean interface
     * @param description what the MBean as a whole is
     * @param subject what a refusal names, e.g. {@code cache 'users'}
     */
    DescribedMXBean(T implementation, Class<T> type, String description, String subject) {
        super(implementation, type, true);
        this.type = type;
        this.description = description;
        this.subject = subject;
    }

    @Override
    public Object invoke(String operation, Object[] params, String[] signature) throws MBeanException,
        ReflectionException {
        try {
            return super.invoke(operation, params, signature);
        } catch (MBeanException e) {
            throw noTrace(new MBeanException(cleanCause(e.getTargetException()), text(e.getMessage())));
        } catch (ReflectionException e) {
            throw cleanReflection(e);
        } catch (RuntimeException e) {
            throw refused(operation + "(" + (signature == null ? "" : String.join(", ", signature)) + ")", e);
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException, MBeanException,
        ReflectionException {
        try {
            return super.getAttribute(attribute);
        } catch (AttributeNotFoundException e) {
            throw noTrace(new AttributeNotFoundException(text(e.getMessage())));
        } catch (MBeanException e) {
            throw noTrace(new MBeanException(cleanCause(e.getTargetException()), text(e.getMessage())));
        } catch (ReflectionException e) {
            throw cleanReflection(e);
        } catch (RuntimeException e) {
            throw refused("attribute " + attribute, e);
        }
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException, InvalidAttributeValueException,
        MBeanException, ReflectionException {
        try {
            super.setAttribute(attribute);
        } catch (AttributeNotFoundException e) {
            throw noTrace(new AttributeNotFoundException(text(e.getMessage())));
        } catch (InvalidAttributeValueException e) {
            throw noTrace(new InvalidAttributeValueException(text(e.getMessage())));
        } catch (MBeanException e) {
            throw noTrace(new MBeanException(cleanCause(e.getTargetException()), text(e.getMessage())));
        } catch (ReflectionException e) {
            throw cleanReflection(e);
        } catch (RuntimeException e) {
            throw refused("attribute " + (attribute == null ? null : attribute.getName()), e);
        }
    }

    /**
     * A runtime failure on its way out: the implementation's are clean already and pass; one of
     * the machinery's is a refused argument (or, for anything else, a failure {@link CleanErrors}
     * logs and names).
     */
    private RuntimeException refused(String what, RuntimeException e) {
        if (e.getStackTrace().length == 0 && e.getCause() == null) {
            return e;
        }
        if (e instanceof IllegalArgumentException || e instanceof NullPointerException || e instanceof ClassCastException) {
            return CleanErrors.clean(new IllegalArgumentException(text(subject + ": " + what
                + " refused its arguments: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))));
        }
        return CleanErrors.call(null, text(subject + ": " + what), () -> {
            throw e;
        });
    }

    /** The same refusal, its message on one line, without any stack trace. */
    private static ReflectionException cleanReflection(ReflectionException e) {
        return noTrace(new ReflectionException(cleanCause(e.getTargetException()), text(e.getMessage())));
    }

    /**
     * A cause without a stack trace or causes of its own, its message on one line: the JDK's usual
     * causes of a refusal keep their type; any other becomes an {@code Exception} naming it.
     */
    private static Exception cleanCause(Exception cause) {
        if (cause == null) {
            return null;
        }
        String message = text(cause.getMessage());
        Exception clean;
        if (cause instanceof NoSuchMethodException) {
            clean = new NoSuchMethodException(message);
        } else if (cause instanceof ClassNotFoundException) {
            clean = new ClassNotFoundException(message);
        } else if (cause instanceof IllegalArgumentException) {
            clean = new IllegalArgumentException(message);
        } else if (cause instanceof IllegalStateException) {
            clean = new IllegalStateException(message);
        } else {
            clean = new Exception(cause.getClass().getName() + ": " + message);
        }
        return noTrace(clean);
    }

    /**
     * A message of the machinery, which echoes the client's names, fit for one line: escaped by
     * {@link CleanErrors#oneLine} and cut after {@value #SHOWN} characters with its full length.
     */
    private static String text(String message) {
        String line = CleanErrors.oneLine(message);
        return line.length() <= SHOWN ? line : line.substring(0, SHOWN) + "... (" + line.length() + " characters)";
    }

    private static <E extends Exception> E noTrace(E e) {
        e.setStackTrace(NO_TRACE);
        return e;
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

    /** A figure of the statistics is described by its {@link StatFigure}; any other attribute by its getter. */
    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        Optional<StatFigure> figure = StatFigure.ofAttribute(info.getName());
        if (figure.isPresent()) {
            return figure.get().description();
        }
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
