// Tests never reach LangSmith: with tracing on and no network the process would hang on exit.
process.env.LANGSMITH_TRACING = "false";
process.env.LANGCHAIN_TRACING_V2 = "false";
