package io.lapse.impl.level;

import java.nio.file.Paths;

import io.lapse.cache.CacheEntry;

/**
 * The JVM {@link FileLevelCrashTest} kills: writes to a file level without end and says on stdout,
 * after each write returned, which one it was. Write {@code n} puts key {@code k(n % keys)} with
 * value {@code n}, a deadline of {@code n} and a group, except that every seventh removes the key.
 * It first prints how many entries the level held when it opened. Arguments: the file, the number
 * of keys, and the first write's number.
 */
public final class FileLevelChild {

    private FileLevelChild() {
    }

    public static void main(String[] args) {
        FileLevel level = FileLevel.open(Paths.get(args[0]));
        int keys = Integer.parseInt(args[1]);
        long n = Long.parseLong(args[2]);
        System.out.println("opened " + level.size());
        System.out.flush();
        for (;; n++) {
            String key = "k" + (n % keys);
            if (n % 7 == 0) {
                level.remove(key);
            } else {
                level.put(new CacheEntry(key, n, n, "g" + (n % 3)));
            }
            System.out.println("ok " + n);
            System.out.flush();
        }
    }
}
