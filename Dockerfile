# The sohoa image: OCR tools, the project, and the `sohoa` command. Used by
# compose.yaml for the Prefect worker; the same image runs any sohoa command.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/sohoa
COPY pyproject.toml README.md ./
COPY flows flows
COPY ocr ocr
COPY pipeline pipeline
COPY search search
COPY storage storage
COPY samples samples
COPY service service
COPY prefect.yaml ./
RUN pip install --no-cache-dir .

ENV OMP_THREAD_LIMIT=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1 \
    SOHOA_CHECKOUT=/opt/sohoa
ENTRYPOINT ["sohoa"]
