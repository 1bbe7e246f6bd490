//! CSV downloads streamed from the database: rows are read as a stream and sent in chunks, so a
//! large export keeps memory flat. A failure halfway aborts the download (the browser reports it)
//! rather than ending it early as if it were complete.
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// How many bytes are gathered before a chunk is sent.
const CHUNK: usize = 64 * 1024;

/// A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such a cell is
/// prefixed with an apostrophe, which spreadsheets show as text. Numbers ("-12.50") stay numbers.
pub fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.parse::<f64>().is_ok_and(f64::is_finite) {
        return value.into();
    }
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// The bytes of one CSV record (quoted where needed, CRLF line end).
pub fn record<I: IntoIterator<Item = S>, S: AsRef<str>>(fields: I) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::with_capacity(256));
    let cells: Vec<String> = fields.into_iter().map(|f| cell(f.as_ref()).into_owned()).collect();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&cells);
    w.into_inner().unwrap_or_default()
}

/// Where an export writes its records: gathered into chunks and sent to the client.
pub struct Sink {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
    pub rows: u64,
}

impl Sink {
    /// Adds one record; false once the client has gone away (stop reading then).
    pub async fn push<I: IntoIterator<Item = S>, S: AsRef<str>>(&mut self, fields: I) -> bool {
        self.buf.extend(record(fields));
        self.rows += 1;
        if self.buf.len() < CHUNK {
            return true;
        }
        self.tx.send(Ok(Bytes::from(std::mem::take(&mut self.buf)))).await.is_ok()
    }
}

/// Answers with `file_name` as a CSV attachment: `header_row`, then whatever `produce` pushes into
/// its sink (run on its own task, so the response starts at once and rows are read as a stream).
pub fn download<F, Fut>(file_name: &str, header_row: &'static [&'static str], produce: F) -> Response
where
    F: FnOnce(Sink) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Sink, sqlx::Error>> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let name = file_name.to_owned();
    let sink = Sink { tx: tx.clone(), buf: record(header_row.iter().copied()), rows: 0 };
    tokio::spawn(async move {
        match produce(sink).await {
            Ok(sink) => {
                if !sink.buf.is_empty() {
                    let _ = tx.send(Ok(Bytes::from(sink.buf))).await;
                }
                tracing::info!(file = %name, rows = sink.rows, "CSV export sent");
            }
            Err(e) => {
                tracing::error!(error = %e, file = %name, "CSV export failed; the download is aborted");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
            }
        }
    });
    // `poll_recv` keeps answering "done" once the channel is closed: a body may be polled again
    // after its end (the compression layer does).
    let mut rx = rx;
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_quotes_are_doubled() {
        assert_eq!(String::from_utf8(record(["=HYPERLINK(\"x\")", "plain", "a,b", "-5.50", "-1+1", "@SUM(A1)"])).unwrap(),
            "\"'=HYPERLINK(\"\"x\"\")\",plain,\"a,b\",-5.50,'-1+1,'@SUM(A1)\r\n");
        assert_eq!(String::from_utf8(record(["line\nbreak", ""])).unwrap(), "\"line\nbreak\",\r\n");
    }
}
