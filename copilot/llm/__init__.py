"""The LLM engine: any OpenAI-compatible model behind the same interface as the offline engine."""
