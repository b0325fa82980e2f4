"""Load scenarios, the benchmark runner and the capacity model (bench/README.md)."""
import warnings

# Runs before any bench module imports nameko: eventlet's deprecation banner is not news here.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
