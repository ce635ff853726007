#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <stdint.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  size_t n = (size_t)64<<20; int huge = atoi(argv[1]);
  char*raw = mmap(0,n+(2<<20),PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  uint64_t*a=(uint64_t*)(((uintptr_t)raw+(2<<20)-1)&~((uintptr_t)(2<<20)-1));
  madvise(a,n,huge?MADV_HUGEPAGE:MADV_NOHUGEPAGE);
  size_t lines=n/64; uint32_t*perm=malloc(lines*4);
  for(size_t i=0;i<lines;i++)perm[i]=i;
  srand(1); for(size_t i=lines-1;i>0;i--){size_t j=((size_t)rand()*RAND_MAX+rand())%(i+1);uint32_t t=perm[i];perm[i]=perm[j];perm[j]=t;}
  for(size_t i=0;i<lines;i++) a[perm[i]*8]=perm[(i+1)%lines]*8;
  for(int r=0;r<3;r++){ double t0=now(); uint64_t p=0; for(long k=0;k<20000000;k++) p=a[p]; double t=now()-t0; printf("huge=%d chase %.1f ns/access (%lu)\n",huge,t/20e6*1e9,p&1);}
  FILE*f=fopen("/proc/self/smaps_rollup","r");char l[256];while(fgets(l,256,f))if(l[0]=='A'&&l[4]=='H')fputs(l,stdout);
}
