//! The benchmark report: JSON for machines, markdown for people, and the targets of issue 13.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::load::Settings;
use super::scenarios::DatasetResult;

/// Everything one `cargo xtask bench` run measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub date: String,
    pub cores: usize,
    pub concurrency: usize,
    pub seconds_per_scenario: f64,
    pub datasets: Vec<DatasetResult>,
}

impl Report {
    pub fn new(settings: &Settings, datasets: Vec<DatasetResult>) -> Self {
        Self {
            date: jiff::Timestamp::now().to_string(),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            concurrency: settings.concurrency,
            seconds_per_scenario: settings.measure.as_secs_f64(),
            datasets,
        }
    }

    /// Writes `<out>/bench-<date>.json` and `.md`, and `<out>/latest.{json,md}`.
    pub fn write(&self, out: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let stamp = self.date.replace([':', '.'], "-");
        let json = serde_json::to_string_pretty(self)? + "\n";
        let markdown = self.markdown();
        let json_path = out.join(format!("bench-{stamp}.json"));
        let md_path = out.join(format!("bench-{stamp}.md"));
        for (path, text) in [
            (&json_path, &json),
            (&md_path, &markdown),
            (&out.join("latest.json"), &json),
            (&out.join("latest.md"), &markdown),
        ] {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok((json_path, md_path))
    }

    pub fn markdown(&self) -> String {
        let mut md = format!(
            "# presence benchmark, {}\n\n{} cores, {} concurrent keep-alive connections (wrk, 2 threads), \
             {} s per scenario after 1 s of warm-up; server and load generator share the machine. \
             CPU is the server's, in seconds per 1,000 requests.\n",
            self.date, self.cores, self.concurrency, self.seconds_per_scenario
        );
        for dataset in &self.datasets {
            md.push_str(&format!(
                "\n## {}\n\nstart-up {:.0} ms{}, peak memory {:.1} MiB, database {:.1} MiB\n\n\
                 Load generator check: `GET /livez` {:.0} req/s through the bench's script, {:.0} with \
                 plain `wrk -t2 -c{}` ({:+.1} %; within 15 % required).\n\n\
                 | scenario | req/s | × baseline | p50 ms | p99 ms | p99.9 ms | errors | CPU s/1k |\n\
                 |---|---:|---:|---:|---:|---:|---:|---:|\n",
                dataset.name,
                dataset.startup_ms,
                dataset.warmed_ms.map_or(String::new(), |ms| format!(
                    " (users' state in memory after {ms:.0} ms, in the background; measured after)"
                )),
                dataset.peak_memory_mb,
                dataset.database_mb,
                dataset.cross_check.bench,
                dataset.cross_check.plain_wrk,
                self.concurrency,
                (dataset.cross_check.ratio - 1.0) * 100.0
            ));
            for s in &dataset.scenarios {
                md.push_str(&format!(
                    "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.3} |\n",
                    s.name,
                    s.throughput,
                    s.ratio_to_baseline,
                    s.p50_ms,
                    s.p99_ms,
                    s.p999_ms,
                    s.errors,
                    s.cpu_s_per_1000
                ));
            }
        }
        for (small, large) in self.dataset_pairs() {
            md.push_str(&format!(
                "\n## {} against {}\n\nThe × baseline change divides out what the machine itself did \
                 between the two runs (each ratio is to the baseline measured minutes apart on the \
                 same server).\n\n| scenario | req/s change | × baseline change | p99 change |\n|---|---:|---:|---:|\n",
                large.name, small.name
            ));
            for (a, b) in small
                .scenarios
                .iter()
                .filter_map(|a| Some((a, large.scenarios.iter().find(|b| b.name == a.name)?)))
            {
                md.push_str(&format!(
                    "| {} | {:+.1} % | {:+.1} % | {:+.1} % |\n",
                    a.name,
                    change(a.throughput, b.throughput),
                    change(a.ratio_to_baseline, b.ratio_to_baseline),
                    change(a.p99_ms, b.p99_ms)
                ));
            }
            md.push_str(&format!(
                "| start-up | {:.0} ms → {:.0} ms | |\n| peak memory | {:.1} → {:.1} MiB | |\n| database | {:.1} → {:.1} MiB | |\n",
                small.startup_ms, large.startup_ms, small.peak_memory_mb, large.peak_memory_mb, small.database_mb, large.database_mb
            ));
        }
        md.push_str(&self.backends_compared());
        md.push_str("\n## Targets (issue 13)\n\n");
        for (target, met) in self.targets() {
            md.push_str(&format!("- [{}] {target}\n", if met { "x" } else { " " }));
        }
        md
    }

    /// Each target with whether this run met it.
    pub fn targets(&self) -> Vec<(String, bool)> {
        let find =
            |d: &DatasetResult, name: &str| d.scenarios.iter().find(|s| s.name == name).cloned();
        let ratio = |d: &DatasetResult, name: &str| find(d, name).map(|s| s.ratio_to_baseline);
        let mut targets = Vec::new();
        for d in &self.datasets {
            targets.push((
                format!(
                    "{}: the load generator is not the bottleneck (script {:.0} vs plain wrk {:.0} req/s, {:+.1} %)",
                    d.name,
                    d.cross_check.bench,
                    d.cross_check.plain_wrk,
                    (d.cross_check.ratio - 1.0) * 100.0
                ),
                (d.cross_check.ratio - 1.0).abs() <= 0.15,
            ));
        }
        let mut at_least = |d: &DatasetResult, name: &str, what: &str, floor: f64| {
            if let Some(r) = ratio(d, name) {
                targets.push((
                    format!("{}: {what} ≥ {floor:.2} × ({r:.2} ×)", d.name),
                    r >= floor,
                ));
            }
        };
        for d in self.datasets.iter().filter(|d| d.target == "SQLite") {
            at_least(d, "GET presence", "GET presence", 0.60);
            at_least(
                d,
                "setPresence (new sessions)",
                "durable setPresence (new)",
                0.30,
            );
            at_least(
                d,
                "setPresence (refresh)",
                "durable setPresence (refresh)",
                0.30,
            );
            at_least(d, "mix", "the mix", 0.40);
        }
        for d in self
            .datasets
            .iter()
            .filter(|d| d.target.starts_with("PostgreSQL") && d.target.contains("1 instance"))
        {
            at_least(d, "GET presence", "GET presence", 0.40);
            at_least(d, "setPresence (new sessions)", "setPresence (new)", 0.15);
            at_least(d, "setPresence (refresh)", "setPresence (refresh)", 0.15);
        }
        for d in self
            .datasets
            .iter()
            .filter(|d| d.target.starts_with("PostgreSQL") && d.target.contains("1 instance"))
        {
            // Issue 29.
            if let Some(bulk) = find(d, "bulk read of 100 (getPresencesByUserId)") {
                targets.push((
                    format!(
                        "{}: bulk read of 100 ≥ 3,000 req/s ({:.0} req/s)",
                        d.name, bulk.throughput
                    ),
                    bulk.throughput >= 3000.0,
                ));
            }
            // Two instances on the same data: each instance's cost, not PostgreSQL's, should
            // bound reads (issue 29).
            let data = &d.dataset;
            let two = self
                .datasets
                .iter()
                .find(|o| o.target.contains("2 instances") && o.dataset == *data);
            if let (Some(one), Some(two)) = (
                find(d, "GET presence"),
                two.and_then(|two| find(two, "GET presence")),
            ) {
                let times = two.throughput / one.throughput;
                targets.push((
                    format!(
                        "PostgreSQL, {data}: GET presence on 2 instances ≥ 1.5 × on 1 ({:.0} / {:.0} req/s = {times:.2} ×)",
                        two.throughput, one.throughput
                    ),
                    times >= 1.5,
                ));
            }
        }
        for d in self.datasets.iter().filter(|d| d.target == "SQLite") {
            if let Some(bulk) = find(d, "bulk read of 100 (getPresencesByUserId)") {
                targets.push((
                    format!(
                        "{}: bulk read of 100 ≥ 5,000 req/s ({:.0} req/s, {:.0} presences/s)",
                        d.name,
                        bulk.throughput,
                        bulk.throughput * 100.0
                    ),
                    bulk.throughput >= 5000.0,
                ));
            }
            if let Some(half) = find(d, "GET presence at 50% of peak (paced)") {
                targets.push((
                    format!(
                        "{}: GET p99 < 5 ms at half of peak ({:.2} ms)",
                        d.name, half.p99_ms
                    ),
                    half.p99_ms < 5.0,
                ));
            }
        }
        for (small, large) in self
            .dataset_pairs()
            .into_iter()
            .filter(|(s, _)| s.target == "SQLite")
        {
            let worst = small
                .scenarios
                .iter()
                .filter(|a| !a.name.contains("metrics off") && !a.name.contains("baseline"))
                .filter_map(|a| {
                    let b = large.scenarios.iter().find(|b| b.name == a.name)?;
                    Some((
                        a.name.clone(),
                        change(a.ratio_to_baseline, b.ratio_to_baseline),
                    ))
                })
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((name, pct)) = worst {
                targets.push((
                    format!(
                        "{}: no scenario more than 15 % lower than at {} (× baseline; worst: {name}, {pct:+.1} %)",
                        large.name, small.dataset
                    ),
                    pct >= -15.0,
                ));
            }
            targets.push((
                format!(
                    "{}: peak RSS ≤ 200 MiB ({:.1} MiB)",
                    large.name, large.peak_memory_mb
                ),
                large.peak_memory_mb <= 200.0,
            ));
            targets.push((
                format!(
                    "{}: ready within 1 s of start ({:.0} ms)",
                    large.name, large.startup_ms
                ),
                large.startup_ms <= 1000.0,
            ));
        }
        targets
    }
}

impl Report {
    /// The (small, large) dataset results of each target, in run order.
    fn dataset_pairs(&self) -> Vec<(&DatasetResult, &DatasetResult)> {
        let mut targets: Vec<&str> = Vec::new();
        for d in &self.datasets {
            if !targets.contains(&d.target.as_str()) {
                targets.push(&d.target);
            }
        }
        targets
            .into_iter()
            .filter_map(|target| {
                let mut runs = self.datasets.iter().filter(|d| d.target == target);
                Some((runs.next()?, runs.next()?))
            })
            .collect()
    }

    /// One table per dataset with a column per target, when several targets ran.
    fn backends_compared(&self) -> String {
        let mut targets: Vec<&str> = Vec::new();
        let mut datasets: Vec<&str> = Vec::new();
        for d in &self.datasets {
            if !targets.contains(&d.target.as_str()) {
                targets.push(&d.target);
            }
            if !datasets.contains(&d.dataset.as_str()) {
                datasets.push(&d.dataset);
            }
        }
        if targets.len() < 2 {
            return String::new();
        }
        let mut md = String::from(
            "\n## Backends compared\n\nreq/s (× that run's own baseline) and p99 ms, per target.\n",
        );
        for dataset in datasets {
            let runs: Vec<&DatasetResult> = self
                .datasets
                .iter()
                .filter(|d| d.dataset == dataset)
                .collect();
            md.push_str(&format!("\n### {dataset}\n\n| scenario |"));
            for run in &runs {
                md.push_str(&format!(" {} |", run.target));
            }
            md.push_str("\n|---|");
            md.push_str(&"---:|".repeat(runs.len()));
            md.push('\n');
            let Some(first) = runs.first() else { continue };
            for scenario in &first.scenarios {
                md.push_str(&format!("| {} |", scenario.name));
                for run in &runs {
                    match run.scenarios.iter().find(|s| s.name == scenario.name) {
                        Some(s) => md.push_str(&format!(
                            " {:.0} ({:.2}), p99 {:.1} |",
                            s.throughput, s.ratio_to_baseline, s.p99_ms
                        )),
                        None => md.push_str(" |"),
                    }
                }
                md.push('\n');
            }
        }
        md
    }
}

fn change(before: f64, after: f64) -> f64 {
    if before == 0.0 {
        0.0
    } else {
        (after - before) / before * 100.0
    }
}
