package io.amlrouter.rules.filter;

/** Builds violation paths in the notation users see in the file: {@code rules[2].filter.advancedFilters[0].key}. */
final class Paths {

    private Paths() {
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String index(String path, int index) {
        return path + "[" + index + "]";
    }
}
