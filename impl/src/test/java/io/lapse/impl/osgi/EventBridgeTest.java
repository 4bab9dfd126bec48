package io.lapse.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lapse.impl.engine.EventKind;

class EventBridgeTest {

    @Test
    void readsTopicPatternsAsEventAdminDoes() {
        assertEquals(EnumSet.of(EventKind.EXPIRED), EventBridge.kindsOf("cache/expired"));
        assertEquals(EnumSet.allOf(EventKind.class), EventBridge.kindsOf("cache/*"));
        assertEquals(EnumSet.allOf(EventKind.class), EventBridge.kindsOf("*"));
        assertEquals(EnumSet.noneOf(EventKind.class), EventBridge.kindsOf("cache"));
        assertEquals(EnumSet.noneOf(EventKind.class), EventBridge.kindsOf("cache/exp*"));
        assertEquals(EnumSet.noneOf(EventKind.class), EventBridge.kindsOf("org/osgi/*"));
        assertEquals(EnumSet.of(EventKind.REMOVED, EventKind.CLEARED),
            EventBridge.kindsOf(new String[] {"cache/removed", "cache/cleared", "other/topic"}));
        assertEquals(EnumSet.of(EventKind.CREATED), EventBridge.kindsOf(List.of("cache/created")));
        assertEquals(EnumSet.noneOf(EventKind.class), EventBridge.kindsOf(null));
    }
}
