public enum ChatIOPlaceholder {}
