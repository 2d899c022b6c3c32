/**
 * Sluice: fetch many URLs concurrently, process each response on a bounded CPU pool, store every outcome in a
 * database. The API is {@code dev.sluice} (start with {@link dev.sluice.Sluice}); the contracts a store and its
 * frontier implement are {@code dev.sluice.spi}. Everything else is internal: exported only to Sluice's own CLI.
 */
module dev.sluice {
    requires java.sql;
    requires java.management;
    requires java.xml;
    requires jdk.management;
    requires org.eclipse.jetty.client;
    requires org.eclipse.jetty.http2.client.transport;
    requires org.eclipse.jetty.alpn.java.client;
    requires com.fasterxml.jackson.databind;
    requires net.thisptr.jackson.jq;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires com.zaxxer.hikari;
    requires org.slf4j;
    requires com.google.common;
    requires crawler.commons;
    requires org.jsoup;
    requires dec;
    requires HdrHistogram;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;

    exports dev.sluice;
    exports dev.sluice.spi;

    exports dev.sluice.internal.discover to dev.sluice.cli;
    exports dev.sluice.internal.extract to dev.sluice.cli;
    exports dev.sluice.internal.fetch to dev.sluice.cli;
    exports dev.sluice.internal.input to dev.sluice.cli;
    exports dev.sluice.internal.limit to dev.sluice.cli;
    exports dev.sluice.internal.metrics to dev.sluice.cli;
    exports dev.sluice.internal.pipeline to dev.sluice.cli;
    exports dev.sluice.internal.process to dev.sluice.cli;
    exports dev.sluice.internal.robots to dev.sluice.cli;
    exports dev.sluice.internal.store to dev.sluice.cli;
    exports dev.sluice.internal.store.postgres to dev.sluice.cli;
    exports dev.sluice.internal.store.runs to dev.sluice.cli;
    exports dev.sluice.internal.store.sqlite to dev.sluice.cli;
}
