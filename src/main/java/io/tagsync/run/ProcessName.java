package io.tagsync.run;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** This process as workers and reports name it: {@code host:pid}. */
public final class ProcessName {

    private static final String NAME = name();

    private ProcessName() {}

    public static String current() {
        return NAME;
    }

    private static String name() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
