// A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise (CI logs).
export function progressBar(label: string): (done: number, total: number) => void {
  let lastDecile = -1;
  return (done, total) => {
    const ratio = total ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    const text = `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(ratio * 100)}% ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${text}${ratio === 1 ? "\n" : ""}`);
    } else if (Math.floor(ratio * 10) > lastDecile) {
      lastDecile = Math.floor(ratio * 10);
      process.stderr.write(`${text}\n`);
    }
  };
}
