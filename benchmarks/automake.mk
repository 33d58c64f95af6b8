# benchmarks/ -- scripts that print figures (not run by make check).
