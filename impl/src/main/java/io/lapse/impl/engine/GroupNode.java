package io.lapse.impl.engine;

/**
 * A {@link Node} of an entry linked to a keygroup ({@link KeyGroups}): 4 bytes of reference more,
 * 56 bytes in all, so entries of no group keep the plain node. The group is fixed: an entry that
 * moves to another group gets a new node in the same step, under its slot lock. The reference is
 * the group index's own copy of the name, shared by every entry of the group.
 */
final class GroupNode extends Node {

    private final String group;

    GroupNode(int hash, String key, Object value, long deadline, int flags, String group) {
        super(hash, key, value, deadline, flags);
        this.group = group;
    }

    @Override
    String group() {
        return group;
    }
}
