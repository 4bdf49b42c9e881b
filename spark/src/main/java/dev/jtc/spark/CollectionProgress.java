package dev.jtc.spark;

import dev.jtc.shortcuts.fit.Progress;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.List;

/**
 * The fit's progress line for a collection on Spark: a partition counts as done when the task that collected it
 * succeeds (the collection is the only stage of the fit's jobs that writes shuffle output, so its tasks are the
 * shuffle-map tasks). A retried or recomputed partition is counted once.
 */
final class CollectionProgress extends SparkListener {

    private final Progress progress;
    private final long[] sentences;
    private final long[] tokens;
    private final boolean[] done;
    private long sentencesDone;
    private long tokensDone;

    CollectionProgress(List<List<IndexedSample>> partitions, Progress progress) {
        this.progress = progress;
        this.sentences = new long[partitions.size()];
        this.tokens = new long[partitions.size()];
        this.done = new boolean[partitions.size()];
        long allSentences = 0, allTokens = 0;
        for (int p = 0; p < sentences.length; p++) {
            sentences[p] = partitions.get(p).size();
            for (IndexedSample s : partitions.get(p)) tokens[p] += s.sample().input().length;
            allSentences += sentences[p];
            allTokens += tokens[p];
        }
        progress.start("collect", allSentences, "sentences", allTokens);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        int p = end.taskInfo().index();
        if (!"ShuffleMapTask".equals(end.taskType()) || !end.taskInfo().successful() || p >= done.length || done[p]) return;
        done[p] = true;
        sentencesDone += sentences[p];
        tokensDone += tokens[p];
        progress.update(sentencesDone, tokensDone);
    }

    /** Ends the line with every sentence done and the tokens the partitions reported. */
    synchronized void finish(long tokens) {
        long all = 0;
        for (long s : sentences) all += s;
        progress.finish(all, tokens);
    }
}
