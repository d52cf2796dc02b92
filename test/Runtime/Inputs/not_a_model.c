/* A shared library without the model entry point. */
int answer(void) { return 42; }
