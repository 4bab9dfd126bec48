package io.lapse.impl.engine;

/**
 * An {@link IdleNode} of an entry linked to a keygroup: see {@link GroupNode}. 64 bytes.
 */
final class IdleGroupNode extends IdleNode {

    private final String group;

    IdleGroupNode(int hash, String key, Object value, long writeDeadline, long now, long idleMillis, int flags,
        String group) {
        super(hash, key, value, writeDeadline, now, idleMillis, flags);
        this.group = group;
    }

    @Override
    String group() {
        return group;
    }
}
